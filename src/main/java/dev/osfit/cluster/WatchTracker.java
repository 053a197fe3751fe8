package dev.osfit.cluster;

import dev.osfit.node.NodeIndex;
import java.io.IOException;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Response;

/**
 * Tells the node index when the API server answered a node list and when a node watch stream is
 * open, so osfit can say how current its snapshot is. One instance per HTTP call.
 */
final class WatchTracker extends EventListener {

    private final NodeIndex index;
    private boolean watchOpen;

    private WatchTracker(NodeIndex index) {
        this.index = index;
    }

    static EventListener.Factory factory(NodeIndex index) {
        return call -> isNodes(call) ? new WatchTracker(index) : EventListener.NONE;
    }

    private static boolean isNodes(Call call) {
        return call.request().url().encodedPath().endsWith("/api/v1/nodes");
    }

    private static boolean isWatch(Call call) {
        return "true".equals(call.request().url().queryParameter("watch"));
    }

    @Override
    public void responseHeadersEnd(Call call, Response response) {
        if (!response.isSuccessful()) {
            return;
        }
        if (isWatch(call)) {
            watchOpen = true;
            index.watchOpened();
        } else {
            index.touch();
        }
    }

    @Override
    public void callEnd(Call call) {
        closed();
    }

    @Override
    public void callFailed(Call call, IOException e) {
        closed();
    }

    @Override
    public void canceled(Call call) {
        closed();
    }

    private void closed() {
        if (watchOpen) {
            watchOpen = false;
            index.watchClosed();
        }
    }
}
