"""Tickets outside the domain: their streams, the issuer that follows the log, check-in, QR codes.

``ledger`` reads and appends ticket streams; ``sources`` says what each booking
or order event owes; ``issuer.TicketIssuer`` follows the log and does it;
``app.tickets_ctx`` runs the issuer inside the HTTP application.
"""
