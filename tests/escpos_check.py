"""ESC/POS checks with emupos 0.4.0, run by tests/emupos (see its usage comment).

decode        feed a file of ESC/POS bytes to an in-process emupos printer, print what it made
serve         run emupos's virtual network printer `till`; print `ready` once it listens
              (`ready SERIAL_PATH` with --serial: `till` also gets a serial port, a pty)
fault         set or clear a fault of `till` through emupos's control API
close-drawer  push `till`'s cash drawer shut: until then, another kick opens nothing
receipts      print `till`'s receipts and the events so far, in the JSON shape of `decode`

What `decode` prints (`receipts` adds "id", "device_id" and "completed_at" to each receipt, "at"
and "device_id" to each event, and the printer's "faults" and "drawer" ("open" or "closed")):
  {"receipts": [{"text": "text dump\n", "boundary": "cut" | "connection-closed" | "idle-timeout",
                 "width_dots": 576, "height_dots": 390, "codes": [...as below]}],
   "events": [{"type": "drawer.opened", "data": {"pin": 2, "on_time_ms": 50}}, ...],
   "unknown": [{"raw": "1b 70 00", "data": {"bytes": "1b 70 00", "command": "ESC p"}}],
   "unsupported_code_pages": [{"number": 99}],
   "drawer_opened": 1,
   "codes": [{"kind": "qr", "data": "..."}, {"kind": "CODE128", "data": "T1-000042"}]}
`decode` reports no printer.job.completed events (emupos's daemon makes those, not its printer).
"""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from importlib import resources
from pathlib import Path

import yaml
from emupos.config import PrinterProfile, load_config_file
from emupos.printer.escpos.symbols import SYMBOLOGIES
from emupos.printer.printer import Printer, PrinterFault

DEVICE = "till"
IDLE_TIMEOUT_MS = 500  # a job with no cut ends after this much silence on its connection
# Longest first, so "CODE128 auto" is not read as "CODE128" followed by data "auto ...".
SYMBOLOGY_NAMES = sorted(set(SYMBOLOGIES.values()), key=len, reverse=True)


def printer_profile(paper: int) -> PrinterProfile:
    """80 mm: emupos's Epson TM-T20III profile as is; 58 mm: the same with 384 dots."""
    text = resources.files("emupos").joinpath("profiles/printers/epson-tm-t20iii.yaml")
    profile = PrinterProfile.model_validate(yaml.safe_load(text.read_text(encoding="utf-8")))
    if paper == 58:
        profile = profile.model_copy(update={"name": "Epson TM-T20III, 58 mm", "width_dots": 384})
    return profile


def codes(text: str) -> list[dict[str, str]]:
    """Barcodes and QR codes, from the lines emupos puts in a text dump for them:
    "[qr DATA]" and "[barcode SYMBOLOGY HRI]". Text printed in that shape would count too.
    """
    found = []
    for line in text.splitlines():
        if line.startswith("[qr ") and line.endswith("]"):
            found.append({"kind": "qr", "data": line[4:-1]})
        elif line.startswith("[barcode ") and line.endswith("]"):
            body = line[9:-1]
            kind = next((name for name in SYMBOLOGY_NAMES if body.startswith(name + " ")), None)
            if kind is not None:
                found.append({"kind": kind, "data": body[len(kind) + 1 :]})
    return found


def summary(receipts: list[dict], events: list[dict]) -> dict:
    """The JSON `decode` and `receipts` print; each event has at least "type" and "data"."""

    def data_of(kind: str) -> list[dict]:
        return [event["data"] for event in events if event["type"] == kind]

    return {
        "receipts": receipts,
        "events": events,
        # Unrecognised commands, and a command still incomplete when its connection closed.
        "unknown": [
            {"raw": data["bytes"], "data": data} for data in data_of("printer.command.unknown")
        ],
        "unsupported_code_pages": data_of("printer.codepage.unsupported"),
        "drawer_opened": len(data_of("drawer.opened")),
        "codes": [code for receipt in receipts for code in receipt["codes"]],
    }


def print_json(document: dict) -> None:
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    print()


def decode(args: argparse.Namespace) -> None:
    profile = printer_profile(args.paper)
    printer = Printer(
        DEVICE,
        profile,
        sensor_open_level=profile.drawer_sensor_open_level,
        job_idle_timeout_ms=IDLE_TIMEOUT_MS,
    )
    # One connection carries the whole file. Closing it ends the last job if it had no cut
    # (boundary "connection-closed") and reports a command cut off by the end of the file.
    # The clock never moves, so no job ends by idle timeout.
    output = (
        printer.open_connection("file", 0)
        + printer.receive("file", args.file.read_bytes(), 0)
        + printer.close_connection("file", 0)
    )
    if args.png_dir:
        args.png_dir.mkdir(parents=True, exist_ok=True)
        for number, receipt in enumerate(output.receipts, 1):
            (args.png_dir / f"receipt-{number}.png").write_bytes(receipt.png)
    receipts = [
        {
            "text": receipt.text,
            "boundary": receipt.boundary,
            "width_dots": receipt.width_dots,
            "height_dots": receipt.height_dots,
            "codes": codes(receipt.text),
        }
        for receipt in output.receipts
    ]
    events = [{"type": str(event.type), "data": dict(event.data)} for event in output.events]
    print_json(summary(receipts, events))


def serve(args: argparse.Namespace) -> None:
    # Imported here: the daemon loads the web server, which the other commands do without.
    from emupos.daemon.runtime import StartupError
    from emupos.daemon.server import serve as run_daemon

    directory = args.dir.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    profile = "epson-tm-t20iii"
    if args.paper == 58:
        profile = "epson-tm-t20iii-58mm.yaml"
        dumped = printer_profile(58).model_dump(exclude_none=True)
        (directory / profile).write_text(yaml.safe_dump(dumped, sort_keys=False), encoding="utf-8")
    connections: list[dict] = [{"tcp": {"host": "127.0.0.1", "port": args.port}}]
    if args.serial:
        # A pty pair with emupos's end in raw mode at the profile's framing (9600 8N1, which on a
        # Linux pty only matters as a connection.framing-mismatch event). emupos publishes a
        # link to it at $TMPDIR/emupos/till and offers no other choice of place: TMPDIR=DIR
        # puts it in DIR, so parallel serves do not claim the same link.
        os.environ["TMPDIR"] = str(directory)
        connections.append({"serial": {"pty": True}})
    config = {
        "schema": 1,
        "api": {"host": "127.0.0.1", "port": args.api_port},
        "devices": [
            {
                "id": DEVICE,
                "type": "printer",
                "profile": profile,
                "connections": connections,
                "job_idle_timeout_ms": IDLE_TIMEOUT_MS,
                "receipts_dir": ".",
            }
        ],
    }
    config_file = directory / "emupos.yaml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    # Line-buffered: each event is on disk as soon as it happens, even if the daemon is killed.
    events = (directory / "events.jsonl").open("w", encoding="utf-8", buffering=1)

    def started(simulator) -> None:
        # Called once the printer port listens and the serial link exists; the API socket was
        # bound and listening before. Events published while connections opened come first.
        for event in simulator.startup_events:
            events.write(json.dumps(event.to_json()) + "\n")
        simulator.bus.subscribe(lambda event: events.write(json.dumps(event.to_json()) + "\n"))
        links = [e.link_path for e in simulator.runtime(DEVICE).endpoints if e.link_path]
        print(" ".join(["ready", *links]), flush=True)  # `ready` alone without --serial

    try:
        run_daemon(load_config_file(config_file), started)  # returns on SIGTERM or Ctrl+C
    except StartupError as error:
        sys.exit(f"emupos: {error}")


def api(port: int, method: str, path: str = "") -> bytes:
    """One request to the control API about `till`; never through a proxy."""
    url = f"http://127.0.0.1:{port}/api/v1/devices/{DEVICE}{path}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(urllib.request.Request(url, method=method), timeout=10) as response:
            return response.read()
    except urllib.error.URLError as error:
        sys.exit(f"emupos control API, {method} {url}: {error}")


def fault(args: argparse.Namespace) -> None:
    api(args.api_port, "PUT" if args.state == "on" else "DELETE", f"/faults/{args.fault}")


def close_drawer(args: argparse.Namespace) -> None:
    api(args.api_port, "POST", "/drawer/close")


def receipts(args: argparse.Namespace) -> None:
    deadline = time.monotonic() + 10
    listed = json.loads(api(args.api_port, "GET", "/receipts"))
    while len(listed) < args.wait_for and time.monotonic() < deadline:
        time.sleep(0.05)
        listed = json.loads(api(args.api_port, "GET", "/receipts"))
    documents = [
        {
            **meta,
            "text": (text := api(args.api_port, "GET", f"/receipts/{meta['id']}/text").decode()),
            "codes": codes(text),
        }
        for meta in reversed(listed)  # the API lists newest first
    ]
    # A last line without its newline is still being written.
    lines = (args.dir / "events.jsonl").read_text(encoding="utf-8").split("\n")[:-1]
    state = json.loads(api(args.api_port, "GET"))["state"]
    print_json({**summary(documents, [json.loads(line) for line in lines]), **state})
    if len(listed) < args.wait_for:
        sys.exit(f"only {len(listed)} of {args.wait_for} receipts after 10 s")


def main() -> None:
    parser = argparse.ArgumentParser(prog="tests/emupos", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(required=True)
    paper = {"type": int, "choices": (58, 80), "default": 80, "help": "paper width in mm"}

    command = commands.add_parser("decode")
    command.set_defaults(run=decode)
    command.add_argument("--paper", **paper)
    command.add_argument("--png-dir", type=Path, help="also write receipt-N.png files here")
    command.add_argument("file", type=Path)

    command = commands.add_parser("serve")
    command.set_defaults(run=serve)
    command.add_argument("--port", type=int, required=True)
    command.add_argument("--api-port", type=int, required=True)
    command.add_argument("--dir", type=Path, required=True)
    command.add_argument("--paper", **paper)
    command.add_argument("--serial", action="store_true", help="also a serial port (a pty)")

    command = commands.add_parser("fault")
    command.set_defaults(run=fault)
    command.add_argument("--api-port", type=int, required=True)
    command.add_argument("fault", choices=[str(name) for name in PrinterFault])
    command.add_argument("state", choices=("on", "off"))

    command = commands.add_parser("close-drawer")
    command.set_defaults(run=close_drawer)
    command.add_argument("--api-port", type=int, required=True)

    command = commands.add_parser("receipts")
    command.set_defaults(run=receipts)
    command.add_argument("--api-port", type=int, required=True)
    command.add_argument("--dir", type=Path, required=True)
    command.add_argument("--wait-for", type=int, default=0, metavar="N")

    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
