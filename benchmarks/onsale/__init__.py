"""A hot on-sale, measured: boxoffice vs a state-based baseline vs the no-store ceiling.

    .venv/bin/python -m benchmarks.onsale [--concurrency 64] [--seats 3000] [--rounds 3]
        [--shows 1] [--store-rtt-ms 0] [--matrix] [--orders] [--only MODE] [--without-keys]
        [--no-scale-out]

    .venv/bin/python -m benchmarks.onsale --matrix     # the four cells below, then scale-out
    .venv/bin/python -m benchmarks.onsale --seats 300 --rounds 1 --concurrency 16   # a quick look

Starts one embedded store for the whole run.  Each *cell* gets its own
database and server processes (benchmarks/server.py: the real app plus the
comparison routes), behind a delay proxy (benchmarks/delay_proxy.py, its own
process) that adds `--store-rtt-ms` to every round trip to the store, as a
replica set acknowledging `w: majority` would; 0 means no proxy.  A cell
registers buyers, then runs rounds alternating ours (POST
/booking/tickets/book), baseline (one guarded `$inc` plus one insert) and
ceiling (the same HTTP stack, no store).  The `--seats` are split over
`--shows` shows; each of the `--concurrency` buyers books one seat of a random
show not yet seen sold out (a 409 marks it so), each request with its own
Idempotency-Key, until every show is sold out; the ceiling answers `--seats`
requests.  With `--orders`, a fourth mode places orders of one seat (POST
/orders: held until paid, so the same inventory decision plus an order read
model) in the same rounds.  Every round must sell (or hold) exactly `--seats`
(ours and orders also check that each show reads 0 available).  After the cell, `boxoffice audit` runs on the
store directly.

`--matrix` runs the cells {1, 100 shows} x {0, 2 ms}.  Unless
`--no-scale-out`, a last cell runs ours on two server processes, buyers split
between them: the matrix's 100 shows at 2 ms, else the run's own workload.
It prints a line per round, medians per cell, and a final table; it exits 1
if a round did not sell out exactly, a request had no answer within 60 s
(counted, and the round goes on), a cell stopped early (its servers' last
log lines are printed, the next cell runs) or an audit failed.
"""
