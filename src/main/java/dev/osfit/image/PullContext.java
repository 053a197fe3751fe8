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
        pullSecrets = pullSecrets == null || pullSecrets.isEmpty() ? List.of() : usable(pullSecrets);
        if (serviceAccount != null && (serviceAccount.isEmpty() || serviceAccount.length() > 253)) {
            serviceAccount = null;
        }
    }

    /** The names a Secret can have, the first {@link #MAX_SECRETS} of them (a loop: this runs for every pod compiled). */
    private static List<String> usable(List<String> names) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>(Math.min(names.size(), MAX_SECRETS));
        for (String s : names) {
            if (out.size() == MAX_SECRETS) {
                break;
            }
            if (s != null && !s.isEmpty() && s.length() <= 253) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    /** Whether there is anything to look up (a namespace and a secret or a service account). */
    public boolean any() {
        return namespace != null && (!pullSecrets.isEmpty() || serviceAccount != null);
    }
}
