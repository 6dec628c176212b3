"""What the scripts that start a real server share: a free loopback port, and running the server
until the test lets go (stdin closes), announcing "READY <port>" once it accepts connections."""
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(command, port, startup_seconds=15):
    """Starts `command`, waits until `port` accepts, prints READY, and stops it when stdin closes."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + startup_seconds
    while time.time() < deadline:
        if process.poll() is not None:
            sys.stdout.write("FAILED " + process.stderr.read().decode(errors="replace").replace("\n", " ") + "\n")
            sys.stdout.flush()
            return 1
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.05)
    sys.stdout.write(f"READY {port}\n")
    sys.stdout.flush()
    try:
        sys.stdin.read()
    finally:
        stop(process)
    return 0


def stop(process):
    """Asks `process` to end, and ends it if it has not within 5 s."""
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
