#!/usr/bin/env python3
"""nginx (Debian nginx-light) as the reverse proxy in front of the daemon's web endpoint, as the
README shows it: TLS with a test certificate on a free loopback port, proxying to --upstream.
Prints "READY <port>" when it listens; stops nginx when stdin closes."""
import argparse
import os
import sys

from server_process import free_port, serve



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
    # The location block is the README's, with the test's certificate.
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
        location / {{
            proxy_pass http://{args.upstream};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            client_max_body_size 64k;
            proxy_read_timeout 15s;
        }}
    }}
}}
"""
    conf = os.path.join(base, "nginx.conf")
    with open(conf, "w") as f:
        f.write(config)
    return serve(["nginx", "-p", base, "-c", conf, "-g", "daemon off;"], port)


if __name__ == "__main__":
    sys.exit(main())
