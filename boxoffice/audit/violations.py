"""What the audit (and ``replay --verify``) reports: a kind, the positions involved, a reason."""

from __future__ import annotations

from dataclasses import dataclass

from boxoffice.control_characters import escape_controls

POSITION_GAP = "position_gap"
VERSION_GAP = "version_gap"
HASH_MISMATCH = "hash_mismatch"
CHAIN_BREAK = "chain_break"
MALFORMED_COMMIT = "malformed_commit"
MALFORMED_EVENT = "malformed_event"
AVAILABILITY_OUT_OF_RANGE = "availability_out_of_range"
PER_USER_LIMIT_EXCEEDED = "per_user_limit_exceeded"
DUPLICATE_REQUEST = "duplicate_request"
REQUEST_WITHOUT_DECISION = "request_without_decision"
DECISION_WITHOUT_REQUEST = "decision_without_request"
DUPLICATE_DECISION = "duplicate_decision"
CANCEL_WITHOUT_CONFIRMATION = "cancel_without_confirmation"
DOUBLE_CANCEL = "double_cancel"
DUPLICATE_ORDER = "duplicate_order"
ORDER_EVENT_WITHOUT_ORDER = "order_event_without_order"
ILLEGAL_ORDER_TRANSITION = "illegal_order_transition"
SEAT_ACCOUNTING = "seat_accounting"
HOLD_OVERDUE = "hold_overdue"
DUPLICATE_PAYMENT_EVENT = "duplicate_payment_event"
TICKET_WITHOUT_SALE = "ticket_without_sale"
TICKET_ADMITTED_TWICE = "ticket_admitted_twice"
CHECK_IN_OF_INVALID_TICKET = "check_in_of_invalid_ticket"
REVOKED_WITHOUT_CANCELLATION = "revoked_without_cancellation"
CATEGORY_UNKNOWN = "category_unknown"
SALE_AFTER_CANCELLATION = "sale_after_cancellation"
CANCELLED_SHOW_NOT_EMPTY = "cancelled_show_not_empty"
READ_MODEL_MISMATCH = "read_model_mismatch"
CAUSAL_ORDER = "causal_order"
SEAL_SIGNATURE_INVALID = "seal_signature_invalid"
SEAL_MISMATCH = "seal_mismatch"
SEAL_MISSING = "seal_missing"
MALFORMED_SEAL = "malformed_seal"
LOG_TRUNCATED = "log_truncated"


@dataclass(frozen=True)
class Violation:
    kind: str
    positions: tuple[int, ...]
    detail: str

    def line(self) -> str:
        where = ",".join(str(p) for p in self.positions) or "-"
        return f"{self.kind} at position {where}: {escape_controls(self.detail)}"
