# Shared by the benchmarks (sourced): a free loopback port, and nginx answering every request with a
# fixed JSON 200 — the SMS gateway's stand-in, or the static baseline a measurement is set beside.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# static_nginx DIR PORT BODY: nginx with its files in DIR, on 127.0.0.1:PORT, answering BODY.
static_nginx() {
    mkdir -p "$1/logs"
    cat > "$1/nginx.conf" <<NGINX
worker_processes 1;
error_log $1/error.log;
pid $1/nginx.pid;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $1;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$2;
        location / { default_type application/json; return 200 '$3'; }
    }
}
NGINX
    nginx -p "$1" -c "$1/nginx.conf"
}

# stop_nginx DIR: stops the nginx static_nginx started there.
stop_nginx() { nginx -p "$1" -c "$1/nginx.conf" -s stop 2>/dev/null || true; }
