"""One Python-driven VRRP router, for test_driver.py: runs in a namespace
(`ip netns exec NS /usr/bin/python3 driver_node.py CONF`), opens a Driver from the keepalived.conf
file CONF and runs it with Driver.run until SIGTERM, printing each event's line as it comes.
SIGTERM leaves run() through SystemExit, and the `with` block closes the driver: a Master
resigns (priority 0) and removes its addresses."""

import signal
import sys

import vrrp


def main() -> int:
    text = open(sys.argv[1]).read()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with vrrp.Driver.from_conf(text) as driver:
        ident = driver.find("VI_1")
        print(f"FIND VI_1 {ident}", flush=True)
        try:
            driver.find("VI_2")
        except vrrp.NotFoundError as error:
            print(f"NOT_FOUND {error.code.name} warnings={driver.warnings()}", flush=True)
        driver.start()
        print(f"STATE {driver.state(ident).name}", flush=True)
        status = driver.status()
        # keepalived's shape ({"data": {"iname": ...}}) or the library's ({"name": ...}).
        entry = status[0].get("data", status[0])
        print(f"STATUS {entry.get('iname', entry.get('name'))} {len(status)}", flush=True)

        def on_event(event: vrrp.Event) -> None:
            print(f"EVENT {event.type.name} {event.instance} {event.to_state.name} | {event}",
                  flush=True)

        driver.run(on_event)
    return 0


if __name__ == "__main__":
    sys.exit(main())
