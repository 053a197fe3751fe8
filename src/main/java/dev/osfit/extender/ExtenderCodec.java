package dev.osfit.extender;

import dev.osfit.match.Matcher;
import dev.osfit.match.PodFacts;
import dev.osfit.node.NodeCatalog;
import dev.osfit.node.NodePlatform;

/**
 * The extender protocol's codec as a small published surface, for what measures or checks it from
 * outside this package (the JMH benchmarks, the concurrency oracle): decode a filter or prioritize
 * body, resolve named nodes, encode the answers. The decoder, the encoder and the request's node table
 * stay package-private; this is the whole of what leaves.
 */
public final class ExtenderCodec {

    private static final ExtenderDecoder DECODER = new ExtenderDecoder();

    private ExtenderCodec() {
    }

    /** A decoded ExtenderArgs: the pod and its candidate nodes. */
    public static final class Request {

        private final PodFacts pod;
        private final RequestNodes nodes;

        private Request(PodFacts pod, RequestNodes nodes) {
            this.pod = pod;
            this.nodes = nodes;
        }

        public PodFacts pod() {
            return pod;
        }

        public int size() {
            return nodes.size();
        }

        public String name(int i) {
            return nodes.name(i);
        }

        /** The node's platform: from the request's node object, or after {@link #resolve} from the catalog. */
        public NodePlatform platform(int i) {
            return nodes.platform(i);
        }

        /** Looks named nodes up in a catalog (a names-only request); a full-node request is unchanged. */
        public Request resolve(NodeCatalog catalog) {
            if (!nodes.full()) {
                nodes.resolve(catalog);
            }
            return this;
        }

        /** The ExtenderFilterResult for these nodes. */
        public byte[] filter(Matcher matcher) {
            return ExtenderEncoder.filter(nodes, matcher);
        }

        /** The HostPriorityList for these nodes. */
        public byte[] prioritize(Matcher matcher) {
            return ExtenderEncoder.prioritize(nodes, matcher);
        }
    }

    /** Decodes a /filter or /prioritize body; bad input throws {@link dev.osfit.kube.BadRequestException}. */
    public static Request decode(byte[] body) {
        ExtenderArgs args = DECODER.decodeArgs(body);
        return new Request(args.pod(), args.nodes());
    }

    /** A names-only candidate list for this pod, as kube-scheduler sends with nodeCacheCapable: true. */
    public static Request names(PodFacts pod, String... names) {
        return new Request(pod, RequestNodes.ofNames(names));
    }
}
