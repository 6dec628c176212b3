#!/usr/bin/env python3
"""nginx (Debian nginx-light) as the reverse proxy in front of the daemon's web endpoint, as the
README shows it: TLS with a test certificate on a free loopback port, proxying to --upstream.
Prints "READY <port>" when it listens; stops nginx when stdin closes."""
import argparse
import os
import sys

from server_process import free_port, serve



def readme_nginx_block():
    """The README's ```nginx block, indented for the server block."""
    readme = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")
    with open(readme) as f:
        text = f.read()
    block = text.split("```nginx\n", 1)[1].split("```", 1)[0]
    return "".join("        " + line + "\n" for line in block.splitlines())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--upstream", required=True, help="HOST:PORT of mentor-notify's http.listen")
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    base = os.path.abspath(args.dir)
    os.makedirs(os.path.join(base, "logs"), exist_ok=True)
    port = free_port()
    # The location blocks are the README's own (only /hooks/, /u/ and /desk/ are passed on),
    # read from it, with the test's certificate.
    locations = readme_nginx_block().replace("127.0.0.1:8480", args.upstream)
    config = f"""
worker_processes 1;
error_log {base}/error.log;
pid {base}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {base};
    proxy_temp_path {base};
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {os.path.abspath(args.cert)};
        ssl_certificate_key {os.path.abspath(args.key)};
{locations}
    }}
}}
"""
    conf = os.path.join(base, "nginx.conf")
    with open(conf, "w") as f:
        f.write(config)
    return serve(["nginx", "-p", base, "-c", conf, "-g", "daemon off;"], port)


if __name__ == "__main__":
    sys.exit(main())
