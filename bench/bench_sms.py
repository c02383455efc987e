"""Benchmark: 1,000 SMS through the HTTP gateway (issue 15 item 3).

Run: .venv/bin/python bench/bench_sms.py [--messages 1000] [--runs 5]

A local provider (tests/sms_gateway.py: a real HTTP server on 127.0.0.1, in its own process so
that its CPU is not counted as clerc's) answers each POST with a JSON id; this process sends
`--messages` SMS one after the other through `SmsSender` → `HttpSmsGateway` (urllib, a new
connection per SMS, as in production), each message to a different mobile number, with a text
of two SMS (UCS-2, an « ê »). Printed per run: messages per second (wall clock), the CPU of
this process per message (`time.process_time`), and the medians over the runs. Every id is
checked to come back and the server's count is checked at the end.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clerc_tui.rules.sms import segments  # noqa: E402
from clerc_tui.services.channels.sms import (  # noqa: E402
    HttpSmsGateway,
    OutgoingMessage,
    RequestTemplate,
    SmsSender,
)

SERVER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from tests.sms_gateway import LocalGateway
gateway = LocalGateway()
print(gateway.port, flush=True)
sys.stdin.readline()
print(len(gateway.received), flush=True)
"""

TEXT = (
    "Madame, Monsieur, sauf erreur de notre part, l'échéance du 26/11/2026 (120,00 €) reste due "
    "pour le dossier {ref}. Merci de nous contacter au 04 72 00 00 00. Étude Tête & associés."
)


def run(messages: int) -> tuple[float, float, int]:
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(ROOT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert server.stdout and server.stdin
    port = int(server.stdout.readline())
    gateway = HttpSmsGateway(
        f"http://127.0.0.1:{port}/sms", "bench-token", "ETUDE", RequestTemplate(id_key="messageId"), timeout=10
    )
    sender = SmsSender(gateway)
    batch = [
        OutgoingMessage(f"bench:{n}", n, "sms", f"06 {10 + n // 1000000 % 90:02d} {n // 10000 % 100:02d} "
                        f"{n // 100 % 100:02d} {n % 100:02d}", "", TEXT.format(ref=f"2026-{n:06d}"))
        for n in range(messages)
    ]  # fmt: skip
    wall, cpu = time.perf_counter(), time.process_time()
    ids = [sender.send(message) for message in batch]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    server.stdin.write("\n")
    server.stdin.flush()
    received = int(server.stdout.readline())
    server.wait(timeout=10)
    assert len(set(ids)) == messages and received == messages, (len(set(ids)), received)
    return messages / wall, cpu / messages * 1000, received


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    length = segments(TEXT.format(ref="2026-000001"))
    print(f"texte : {length.chars} caractères, {length.segments} SMS, {length.encoding}")
    rates, cpus = [], []
    for number in range(1, args.runs + 1):
        rate, cpu, received = run(args.messages)
        rates.append(rate)
        cpus.append(cpu)
        print(f"série {number} : {received} SMS, {rate:,.0f} SMS/s (temps réel), {cpu:.3f} ms de CPU par SMS (clerc)")
    print(
        f"médiane sur {args.runs} séries : {statistics.median(rates):,.0f} SMS/s "
        f"(de {min(rates):,.0f} à {max(rates):,.0f}), {statistics.median(cpus):.3f} ms de CPU par SMS"
    )


if __name__ == "__main__":
    main()
