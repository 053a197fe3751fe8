package dev.osfit.registry;

import dev.osfit.image.PullContext;
import dev.osfit.registry.RegistryCredentials.DockerConfig;
import java.util.List;

/**
 * The pull secrets a pod may use, as the kubelet would: its {@code imagePullSecrets} or, when it names
 * none, its service account's. Each answer is a secret's docker configuration, parsed when the secret
 * arrived ({@link DockerConfig#parse}), in the order the kubelet tries them: a lookup reads memory only,
 * since it may run on a request's event loop. Fed by an informer in cluster mode when
 * {@code osfit.registry.pull-secrets} is on.
 */
public interface PullSecretLookup {

    List<DockerConfig> dockerConfigs(PullContext requester);
}
