#!/usr/bin/python3
"""A real SMTP server for the tests (Debian's python3-aiosmtpd).

Usage: smtp-sink.py DIRECTORY [PORT]

Listens on 127.0.0.1 (PORT, or any free port), prints the port on stdout, and writes each
message it accepts as DIRECTORY/<n>.eml: an "X-Envelope-To:" line per recipient, then the
message's bytes as received. A file appears whole (written aside, then renamed). A
recipient whose address starts with "reject" is refused with 550, for good.
"""
import asyncio
import os
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.directory, f"{self.count:04d}.eml")
        with open(path + ".tmp", "wb") as out:
            for recipient in envelope.rcpt_tos:
                out.write(f"X-Envelope-To: {recipient}\r\n".encode())
            out.write(f"X-Envelope-From: {envelope.mail_from}\r\n".encode())
            content = envelope.original_content or envelope.content
            out.write(content if isinstance(content, bytes) else content.encode())
        os.rename(path + ".tmp", path)
        return "250 Message accepted"


async def main():
    directory = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    sink = Sink(directory)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, decode_data=False, enable_SMTPUTF8=True, hostname="sink.test"),
        host="127.0.0.1",
        port=port,
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
