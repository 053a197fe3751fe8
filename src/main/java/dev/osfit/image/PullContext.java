package dev.osfit.image;

import java.util.List;

/**
 * Who asks for an image, for registries that want the pod's own credentials: its namespace, its
 * service account and its {@code imagePullSecrets}, as the kubelet would use them. The names are the
 * pod author's: at most {@link #MAX_SECRETS} are kept, longer lists are cut.
 */
public record PullContext(String namespace, String serviceAccount, List<String> pullSecrets) {

    public static final int MAX_SECRETS = 16;
    public static final PullContext NONE = new PullContext(null, null, List.of());

    public PullContext {
        pullSecrets = pullSecrets == null ? List.of()
                : List.copyOf(pullSecrets.stream().filter(s -> s != null && !s.isEmpty() && s.length() <= 253).limit(MAX_SECRETS).toList());
        if (serviceAccount != null && (serviceAccount.isEmpty() || serviceAccount.length() > 253)) {
            serviceAccount = null;
        }
    }

    /** Whether there is anything to look up (a namespace and a secret or a service account). */
    public boolean any() {
        return namespace != null && (!pullSecrets.isEmpty() || serviceAccount != null);
    }
}
