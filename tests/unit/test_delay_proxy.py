"""The benchmark's delay proxy: every byte arrives, in order, half a round trip late each way."""

from __future__ import annotations

import asyncio

from benchmarks.delay_proxy import start_proxy

RTT_MS = 40
HALF = RTT_MS / 2000
SLACK = 0.03  # a loaded machine runs the loop late, never early


async def test_bytes_arrive_in_order_half_a_round_trip_late_each_way() -> None:
    loop = asyncio.get_running_loop()
    arrivals: list[float] = []
    echoes: list[float] = []

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while chunk := await reader.read(1024):
            arrivals.append(loop.time())
            writer.write(chunk)
            echoes.append(loop.time())
        writer.close()
        await writer.wait_closed()

    upstream = await asyncio.start_server(echo, "127.0.0.1", 0)
    proxy = await start_proxy(upstream.sockets[0].getsockname(), RTT_MS)
    reader, writer = await asyncio.open_connection(*proxy.sockets[0].getsockname())
    sent = b"".join(b"%04d" % n for n in range(500))
    started = loop.time()
    for offset in range(0, len(sent), 40):
        writer.write(sent[offset : offset + 40])
        await asyncio.sleep(0)
    writer.write_eof()
    first_back = await reader.readexactly(4)
    back_at = loop.time()
    received = first_back + await reader.read()
    writer.close()
    await writer.wait_closed()
    await asyncio.sleep(0.05)  # the proxy closes its two sockets right after forwarding the end
    for server in (proxy, upstream):
        server.close()
        await server.wait_closed()

    assert received == sent
    assert HALF <= arrivals[0] - started < HALF + SLACK
    assert HALF <= back_at - echoes[0] < HALF + SLACK
    assert 2 * HALF <= back_at - started < 2 * HALF + 2 * SLACK
