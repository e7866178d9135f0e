"""An SMTP sink for Wayfinder's integration tests (needs Debian's python3-aiosmtpd).

Usage: smtp_sink.py HOST PORT DIRECTORY

Each accepted message is written, byte for byte as received, to DIRECTORY/<n>.eml (through a
temporary name, so a reader never sees half a message). Prints "ready" once it listens, and exits
when its standard input closes, so that it cannot outlive a test process that was killed.
"""

import asyncio
import itertools
import os
import sys
import threading

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(self.directory, f"{os.getpid()}-{next(self.numbers):04}")
        with open(name + ".part", "wb") as out:
            out.write(envelope.original_content or envelope.content)
        os.rename(name + ".part", name + ".eml")
        return "250 Message accepted"


def exit_when_stdin_closes():
    sys.stdin.buffer.read()
    os._exit(0)


async def main(host, port, directory):
    loop = asyncio.get_running_loop()
    sink = Sink(directory)
    server = await loop.create_server(lambda: SMTP(sink), host, port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: smtp_sink.py HOST PORT DIRECTORY")
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
