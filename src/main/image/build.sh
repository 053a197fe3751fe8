#!/usr/bin/env bash
# osfit's container image, built on this machine from the JDK and Debian packages (no image registry
# needed): target/osfit-<version>-oci.tar, an OCI image archive (tag osfit:<version>), and the OCI layout
# beside it in target/image/oci. Kept in step with ../../../Dockerfile: the same layers, user 10001,
# JAVA_TOOL_OPTIONS, ports and entrypoint; the JRE here is a jlink runtime of the modules osfit uses.
#
#   mvn -B -q package -DskipTests -Pimage        (runs this script after the jar is built)
#
# Needs umoci, apt-get (downloads only), dpkg-deb and the JDK's jlink: apt-get install umoci.
set -euo pipefail
cd "$(dirname "$0")/../../.."

version=$(sed -n 's/^build.version=//p' target/classes/META-INF/build-info.properties)
commit=$(sed -n 's/^git.commit.id.full=//p' target/classes/git.properties 2>/dev/null || true)
jar="target/osfit-${version}-exec.jar"
[ -f "$jar" ] || { echo "$jar is missing: run mvn -B -q package -DskipTests first" >&2; exit 1; }
command -v umoci >/dev/null || { echo "umoci is missing: apt-get install umoci" >&2; exit 1; }
work=target/image
rm -rf "$work"
mkdir -p "$work/debs" "$work/base" "$work/jre" "$work/app"

# 1. What the JRE links against (glibc, libstdc++, libgcc, zlib), from Debian's packages.
(cd "$work/debs" && apt-get download -qq -o APT::Sandbox::User=root libc6 libstdc++6 libgcc-s1 zlib1g)
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/base"; done
rm -rf "$work/base/usr/share/doc" "$work/base/usr/share/lintian" "$work/base/usr/share/locale" "$work/base/usr/share/gcc" \
  "$work/base/usr/share/gdb" "$work/base/usr/libexec/getconf" "$work/base/usr/bin" "$work/base/usr/sbin" "$work/base/sbin"
mkdir -p "$work/base/etc" "$work/base/tmp" "$work/base/app"
chmod 1777 "$work/base/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nosfit:x:10001:10001:osfit:/app:/sbin/nologin\n' > "$work/base/etc/passwd"
printf 'root:x:0:\nosfit:x:10001:\n' > "$work/base/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$work/base/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$work/base/etc/hosts"   # the kubelet mounts its own over it

# 2. A JRE of the modules osfit uses (Spring, Netty, client-java, Micrometer, JFR for profiling).
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.management.jfr,jdk.net,jdk.unsupported,jdk.zipfs
# --generate-cds-archive: the JDK's own class-data-sharing archive, which osfit's archive (step 4) builds on.
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 --generate-cds-archive \
  --output "$work/jre/opt/java" >/dev/null
# Debian's JDK keeps its CA certificates outside the JDK: put the machine's in the runtime (registries are HTTPS).
cacerts="$work/jre/opt/java/lib/security/cacerts"
rm -f "$cacerts"
cp -L /etc/ssl/certs/java/cacerts "$cacerts"

# 3. osfit's jar in Spring Boot's layers, as the Dockerfile copies them.
cp "$jar" "$work/osfit.jar"
java -Djarmode=tools -jar "$work/osfit.jar" extract --layers --destination "$work/app" >/dev/null
for layer in dependencies spring-boot-loader snapshot-dependencies application; do mkdir -p "$work/app/$layer"; done

# Whole-second file times, the commit's: a layer's tar keeps seconds, and the class-data-sharing archive
# checks each jar's time against the one it was made from (a fraction rounded up made it unusable).
epoch=$(sed -n 's/^git.commit.time=//p' target/classes/git.properties 2>/dev/null | sed 's/\\//g')
epoch=$(date -d "${epoch:-now}" +%s)
find "$work/base" "$work/jre" "$work/app" -exec touch -h -d "@$epoch" {} +

# 4. Class data sharing: a training run of osfit in the image's own filesystem (an unprivileged user and
#    mount namespace, chroot) up to the point where its context is ready, which writes the classes it
#    loaded into /app/osfit.jsa; the image runs with -XX:SharedArchiveFile=/app/osfit.jsa, which starts
#    osfit about a third faster (README, "Container image"). The archive is tied to this JVM and these
#    jars (sizes and times), so it is made from the very files the layers hold.
train="$PWD/$work/train"
mkdir -p "$train"
cp -a "$work/base/." "$train/"
cp -a "$work/jre/." "$train/"
for layer in dependencies spring-boot-loader snapshot-dependencies application; do cp -a "$work/app/$layer/." "$train/app/"; done
mkdir -p "$train/proc" "$train/dev"
# Cluster mode, so that client-java's classes (ApiClient, OkHttp, Gson's model adapters) are in the archive
# too: the context is refreshed and the JVM exits before any informer connects, so the server named here is
# never asked. Measured with 1000 nodes to index: 4.25 and 5.06 s to ready against 5.42 and 5.10 s with an
# archive trained in request mode (docs/figures.md, "Start to ready").
printf 'apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster:\n    server: https://127.0.0.1:1\ncontexts:\n- name: t\n  context:\n    cluster: t\n    user: t\ncurrent-context: t\nusers:\n- name: t\n  user:\n    token: t\n' \
  > "$train/app/train-kubeconfig"
unshare --user --map-root-user --mount --pid --uts --fork --kill-child bash -c '
  set -e; r=$1
  hostname localhost
  mount -t proc proc "$r/proc"; mount -t tmpfs tmpfs "$r/tmp"; mount -t tmpfs tmpfs "$r/dev"
  for d in null zero random urandom; do touch "$r/dev/$d"; mount --bind "/dev/$d" "$r/dev/$d"; done
  cd /
  exec /usr/bin/env -i PATH=/opt/java/bin /usr/sbin/chroot "$r" /opt/java/bin/java -XX:ArchiveClassesAtExit=/app/osfit.jsa \
    -Dspring.context.exit=onRefresh -jar /app/osfit.jar --osfit.nodes.source=cluster --osfit.nodes.kubeconfig=/app/train-kubeconfig \
    --server.port=0 --logging.level.root=WARN' \
  train "$train" > "$work/cds-training.log" 2>&1 || { cat "$work/cds-training.log" >&2; exit 1; }
mkdir -p "$work/cds"
cp "$train/app/osfit.jsa" "$work/cds/osfit.jsa"

# 5. The OCI image: one layer per part, least often changed first.
image="$work/oci:osfit"
umoci init --layout "$work/oci"
umoci new --image "$image"
umoci insert --image "$image" "$work/base" /
umoci insert --image "$image" "$work/jre/opt" /opt
for layer in dependencies spring-boot-loader snapshot-dependencies application; do
  umoci insert --image "$image" "$work/app/$layer" /app
done
umoci insert --image "$image" "$work/cds" /app
umoci config --image "$image" --tag "$version" \
  --os linux --architecture amd64 \
  --config.user 10001:10001 --config.workingdir /app \
  --config.env PATH=/opt/java/bin:/usr/bin:/bin \
  --config.env "JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:SharedArchiveFile=/app/osfit.jsa" \
  --config.env SERVER_ADDRESS=0.0.0.0 \
  --config.exposedports 8888/tcp --config.exposedports 8889/tcp \
  --config.entrypoint /opt/java/bin/java --config.entrypoint -jar --config.entrypoint /app/osfit.jar \
  --config.label org.opencontainers.image.title=osfit \
  --config.label org.opencontainers.image.version="$version" \
  --config.label org.opencontainers.image.revision="$commit" \
  --config.label org.opencontainers.image.licenses=Apache-2.0
umoci rm --image "$image"
umoci gc --layout "$work/oci"
archive="target/osfit-${version}-oci.tar"
tar -C "$work/oci" -cf "$archive" .
echo "$archive: osfit:$version ($(du -h "$archive" | cut -f1))"
