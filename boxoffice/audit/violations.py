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
ORDER_UNKNOWN = "order_unknown"
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
