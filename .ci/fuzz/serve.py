"""Start gunicorn on a loopback port the kernel picks, with no window for another process to take it.

Usage: python .ci/fuzz/serve.py PORT_FILE [gunicorn arguments...]

Choosing a free port, closing it and letting gunicorn bind it later is a race with every other
program on the machine (CI jobs side by side, the test suite's own servers). Here the socket is bound
and listening before gunicorn starts; gunicorn inherits it (`--bind fd://N`) and the port is written
to PORT_FILE for the caller, which can connect at once: the kernel queues connections until a worker
accepts them.
"""

import os
import socket
import sys

port_file, gunicorn_args = sys.argv[1], sys.argv[2:]
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(128)
listener.set_inheritable(True)
with open(port_file, "w") as out:
    out.write(str(listener.getsockname()[1]))
gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
# The virtualenv's own gunicorn, with the caller's arguments: no shell involved.
os.execv(gunicorn, [gunicorn, *gunicorn_args, "--bind", f"fd://{listener.fileno()}"])  # nosec B606
