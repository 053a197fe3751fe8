#!/usr/bin/env bash
# One install file per profile, rendered from manifests/ with the image an admin pushed:
#   target/release/osfit.yaml          manifests/          (names mode, osfit-scheduler over HTTP)
#   target/release/osfit-mtls.yaml     manifests/mtls/     (the same over mutual TLS; needs cert-manager)
#   target/release/osfit-webhook.yaml  manifests/webhook/  (plus placement hints; needs cert-manager)
#
#   mvn -B -q package -DskipTests -Prelease -Dosfit.image=registry.example.com/osfit:0.1.0 -Dkube.version=1.32.5
#   src/main/release/render.sh registry.example.com/osfit:0.1.0 1.32.5      (the same, by hand)
#
# The image defaults to osfit:<version>; kube.version is the cluster's Kubernetes version, which sets
# osfit-scheduler's image (registry.k8s.io/kube-scheduler:v<kube.version>; supported: 1.25 and later,
# where KubeSchedulerConfiguration v1 exists; tested with 1.32.5). Needs kubectl (kubectl kustomize).
# OUT=<dir> writes elsewhere.
set -euo pipefail
cd "$(dirname "$0")/../../.."
version=$(sed -n 's/^build.version=//p' target/classes/META-INF/build-info.properties 2>/dev/null || true)
image=${1:-osfit:${version:-0.1.0}}
kube=${2:-1.32.5}
kube=${kube#v}
if ! [[ "$kube" =~ ^1\.([0-9]+)\.[0-9]+$ ]] || [ "${BASH_REMATCH[1]}" -lt 25 ]; then
  echo "kube.version $kube: give the cluster's version, 1.25.0 or later (KubeSchedulerConfiguration v1)" >&2
  exit 1
fi
name=${image%:*}
tag=${image##*:}
if [ "$name" = "$image" ] || [[ "$tag" == */* ]]; then
  echo "image $image: give a reference with a tag, such as registry.example.com/osfit:0.1.0" >&2
  exit 1
fi
out=${OUT:-target/release}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r manifests "$tmp/manifests"
for profile in osfit:. osfit-mtls:mtls osfit-webhook:webhook; do
  file=${profile%%:*}
  dir=${profile#*:}
  mkdir -p "$tmp/release/$file"
  cat > "$tmp/release/$file/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../manifests/$dir
images:
  - name: osfit
    newName: $name
    newTag: "$tag"
  - name: registry.k8s.io/kube-scheduler
    newTag: "v$kube"
YAML
  {
    echo "# osfit $version, rendered from manifests/$dir: image $image, kube-scheduler v$kube."
    echo "# kubectl apply -f $file.yaml"
    kubectl kustomize "$tmp/release/$file"
  } > "$out/$file.yaml"
  echo "$out/$file.yaml"
done
