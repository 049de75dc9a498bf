# A stand-in for nginx:1.27-bookworm (deploy/offline/build-images.sh): Debian's nginx in the foreground, reading
# the /etc/nginx/nginx.conf compose.yaml mounts.
FROM jcglossary/python:3.11-bookworm
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/*
EXPOSE 8080
CMD ["nginx", "-g", "daemon off;"]
