"""A TCP proxy that delays every byte by half a round trip in each direction.

    .venv/bin/python -m benchmarks.delay_proxy --target 127.0.0.1:27017 --port 27018 --rtt-ms 2

This machine's kernel has no netem, so this is how the on-sale benchmark puts
a replica set's `w: majority` round trip between the servers and the store.
Each direction reads chunks as they come and stamps each with its arrival
time; a writer forwards them in order, each once `arrival + rtt/2` has passed.
Chunks in flight overlap their delays, so the link adds latency, not a
throughput limit.  TCP_NODELAY on both sides, so the kernel adds no delay of
its own.  It prints ``ready`` once listening.  Being Python, it adds about
0.2 ms per round trip of its own, and the loop wakes a little late: a 2 ms
round trip measures 2.5 to 2.7 ms (median of 1-byte pings, 2 busy cores).

Run it as its own process, so its CPU is neither the server's nor the load
generator's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket

CHUNK_BYTES = 64 * 1024
QUEUED_CHUNKS = 1024  # then the reader waits: backpressure, as TCP would


def no_delay(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


async def stamp(reader: asyncio.StreamReader, queue: asyncio.Queue[tuple[float, bytes]]) -> None:
    """Queue each chunk with its arrival time; an empty chunk marks the end of the stream."""
    loop = asyncio.get_running_loop()
    while True:
        chunk = await reader.read(CHUNK_BYTES)
        await queue.put((loop.time(), chunk))
        if not chunk:
            return


async def forward_late(
    queue: asyncio.Queue[tuple[float, bytes]], writer: asyncio.StreamWriter, delay: float
) -> None:
    loop = asyncio.get_running_loop()
    while True:
        arrived, chunk = await queue.get()
        await asyncio.sleep(max(0.0, arrived + delay - loop.time()))
        if not chunk:
            if writer.can_write_eof():
                writer.write_eof()
            return
        writer.write(chunk)
        await writer.drain()


async def one_way(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(QUEUED_CHUNKS)
    async with asyncio.TaskGroup() as group:
        group.create_task(stamp(reader, queue))
        group.create_task(forward_late(queue, writer, delay))


async def relay(
    client_reader: asyncio.StreamReader,
    client_writer: asyncio.StreamWriter,
    target: tuple[str, int],
    delay: float,
) -> None:
    """One client connection: both directions until both ends have closed or one fails."""
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection(*target)
    except OSError:
        client_writer.close()
        return
    for writer in (client_writer, upstream_writer):
        no_delay(writer)
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(one_way(client_reader, upstream_writer, delay))
            group.create_task(one_way(upstream_reader, client_writer, delay))
    except* OSError:
        pass  # a reset on either side ends the connection, as it would without the proxy
    finally:
        for writer in (client_writer, upstream_writer):
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def start_proxy(target: tuple[str, int], rtt_ms: float, port: int = 0) -> asyncio.Server:
    """Listen on 127.0.0.1:port (0 picks one) and relay each connection to target."""
    delay = rtt_ms / 2000

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await relay(reader, writer, target, delay)

    return await asyncio.start_server(accept, "127.0.0.1", port)


async def serve(target: tuple[str, int], rtt_ms: float, port: int) -> None:
    server = await start_proxy(target, rtt_ms, port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="host:port to relay to")
    parser.add_argument("--port", type=int, required=True, help="port to listen on (127.0.0.1)")
    parser.add_argument("--rtt-ms", type=float, required=True, help="round trip to add, in ms")
    args = parser.parse_args()
    host, _, port = args.target.rpartition(":")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve((host, int(port)), args.rtt_ms, args.port))


if __name__ == "__main__":
    main()
