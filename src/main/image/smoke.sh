#!/usr/bin/env bash
# Runs the image that build.sh made, as a container would, and checks it: osfit starts as user 10001
# on a read-only root filesystem (only /tmp writable) with its class-data-sharing archive (-Xshare:on:
# an archive that does not fit these jars stops the JVM instead of being skipped), becomes ready, answers a recorded /filter request
# as the tests expect, and reports its version; then the archive is pushed into a real registry
# (Debian's docker-registry, on loopback) with skopeo, and read back. Loopback only; stops by itself.
#
#   src/main/image/smoke.sh            (as root: it uses mount and PID/mount namespaces)
#
# The root filesystem runs under unshare + chroot with the image's user, environment and entrypoint:
# crun (Debian's 1.8) refuses to run on this machine ("cgroups in hybrid mode not supported"), and podman
# runs through it. Needs umoci, skopeo, docker-registry, curl.
set -euo pipefail
cd "$(dirname "$0")/../../.."
version=$(sed -n 's/^build.version=//p' target/classes/META-INF/build-info.properties)
archive="target/osfit-${version}-oci.tar"
[ -f "$archive" ] || { echo "$archive is missing: mvn -B -q package -DskipTests -Pimage" >&2; exit 1; }
tmp=$(mktemp -d)
pids=()
cleanup() {
  # osfit runs as PID 1 of its namespace under another user: a signal to unshare does not reach it
  # (unshare --fork passes SIGTERM on, and the change of user clears --kill-child), so it is ended by name.
  [ -n "${port:-}" ] && pkill -TERM -f -- "/app/osfit.jar --server.port=$port" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  [ -n "${port:-}" ] && pkill -KILL -f -- "/app/osfit.jar --server.port=$port" 2>/dev/null || true
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  sleep 1
  umount -R "$tmp/bundle/rootfs" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)); }

mkdir -p "$tmp/oci"
tar -C "$tmp/oci" -xf "$archive"
umoci unpack --image "$tmp/oci:$version" "$tmp/bundle" >/dev/null
rootfs="$tmp/bundle/rootfs"
mkdir -p "$rootfs/proc" "$rootfs/dev"
port=$(free_port)
args=(/opt/java/bin/java -jar /app/osfit.jar "--server.port=$port" --osfit.nodes.source=request)

# The image's user, environment and entrypoint, as its config states them.
grep -q '"uid": *10001' "$tmp/bundle/config.json" || { echo "image user is not 10001" >&2; exit 1; }
runner="unshare+chroot"
echo "running the image with $runner on port $port"
unshare --pid --mount --uts --ipc --fork --kill-child bash -c '
    set -e; r=$1; shift
    mount --bind "$r" "$r"; mount -o remount,bind,ro "$r"
    mount -t proc proc "$r/proc"
    mount -t tmpfs -o mode=1777,size=64m tmpfs "$r/tmp"
    mount -t tmpfs -o mode=755 tmpfs "$r/dev"
    for d in null zero random urandom; do touch "$r/dev/$d"; mount --bind "/dev/$d" "$r/dev/$d"; done
    cd /
    exec /usr/bin/env -i PATH=/opt/java/bin:/usr/bin:/bin HOME=/app \
      "JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:SharedArchiveFile=/app/osfit.jsa -Xshare:on" SERVER_ADDRESS=127.0.0.1 \
      /usr/sbin/chroot --userspec=10001:10001 "$r" "$@"' smoke "$rootfs" "${args[@]}" > "$tmp/osfit.log" 2>&1 &
pids+=($!)
start=$(date +%s)
until curl -sf "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null; do
  if [ $(( $(date +%s) - start )) -gt 90 ]; then echo "not ready in 90 s:"; cat "$tmp/osfit.log"; exit 1; fi
  sleep 0.5
done
echo "ready after $(( $(date +%s) - start )) s; $(grep -o 'started by [a-z0-9]*' "$tmp/osfit.log" | head -1)"
answer=$(curl -sf -X POST -H 'Content-Type: application/json' \
  --data-binary @src/test/resources/kube-scheduler/v1.32.5/filter-args-full-nodes.json "http://127.0.0.1:$port/filter")
passed=$(echo "$answer" | grep -o '"name": *"[a-z0-9-]*"' | sed 's/.*"\([a-z0-9-]*\)"$/\1/' | sort -u | tr '\n' ' ')
[ "$passed" = "win2019-1 win2019-2 " ] || { echo "unexpected /filter answer: $passed"; exit 1; }
echo "/filter: passed $passed"
info=$(curl -sf "http://127.0.0.1:$port/actuator/info")
echo "$info" | grep -q "\"version\":\"$version\"" || { echo "unexpected /actuator/info: $info"; exit 1; }
echo "/actuator/info: $info"

# Into a real registry and back, as an admin pushing to their own.
rport=$(free_port)
cat > "$tmp/registry.yml" <<YAML
version: 0.1
storage:
  filesystem:
    rootdirectory: $tmp/registry
http:
  addr: 127.0.0.1:$rport
YAML
docker-registry serve "$tmp/registry.yml" > "$tmp/registry.log" 2>&1 &
pids+=($!)
until curl -sf "http://127.0.0.1:$rport/v2/" >/dev/null; do sleep 0.2; done
skopeo copy --quiet --dest-tls-verify=false "oci-archive:$archive:$version" "docker://127.0.0.1:$rport/osfit:$version"
skopeo inspect --tls-verify=false "docker://127.0.0.1:$rport/osfit:$version" | grep -E '"(Architecture|Os)"' | tr -d ' \n'
echo
echo "smoke test passed: $archive"
