package dev.osfit.registry;

import dev.osfit.image.PullContext;
import java.util.List;

/**
 * The pull secrets a pod may use, as the kubelet would: its {@code imagePullSecrets} or, when it names
 * none, its service account's. Each answer is a secret's docker configuration as stored
 * ({@code .dockerconfigjson}, or {@code .dockercfg}), in the order the kubelet tries them. Fed by an
 * informer in cluster mode when {@code osfit.registry.pull-secrets} is on.
 */
public interface PullSecretLookup {

    List<byte[]> dockerConfigs(PullContext requester);
}
