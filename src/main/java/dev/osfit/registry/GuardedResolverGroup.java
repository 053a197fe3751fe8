package dev.osfit.registry;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves registry hosts and refuses what {@link RegistryPolicy} refuses, at connect time: the check
 * is on the address actually connected to (no window for a DNS answer to change), and it applies to
 * every connection the registry client makes, redirects and token services included. IP literals are
 * checked too (they never reach an ordinary resolver).
 */
final class GuardedResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    /** The connection was refused by policy; the message says why. */
    static final class RefusedAddressException extends UnknownHostException {
        RefusedAddressException(String message) {
            super(message);
        }
    }

    private final AddressResolverGroup<InetSocketAddress> delegate;
    private final RegistryPolicy policy;

    GuardedResolverGroup(AddressResolverGroup<InetSocketAddress> delegate, RegistryPolicy policy) {
        this.delegate = delegate;
        this.policy = policy;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        AddressResolver<InetSocketAddress> inner = delegate.getResolver(executor);
        return new AddressResolver<>() {
            @Override
            public boolean isSupported(java.net.SocketAddress address) {
                return inner.isSupported(address);
            }

            @Override
            public boolean isResolved(java.net.SocketAddress address) {
                return false; // so that every target, IP literals too, goes through resolve() and its check
            }

            @Override
            public Future<InetSocketAddress> resolve(java.net.SocketAddress address) {
                return resolve(address, executor.newPromise());
            }

            @Override
            public Future<InetSocketAddress> resolve(java.net.SocketAddress address, Promise<InetSocketAddress> promise) {
                InetSocketAddress target = (InetSocketAddress) address;
                String host = target.getHostString();
                String refused = policy.refuseHost(host, target.getPort());
                if (refused != null) {
                    return promise.setFailure(new RefusedAddressException(refused));
                }
                if (!target.isUnresolved()) {
                    return check(host, target, promise);
                }
                inner.resolve(target).addListener(f -> {
                    if (f.isSuccess()) {
                        check(host, (InetSocketAddress) f.getNow(), promise);
                    } else {
                        promise.setFailure(f.cause());
                    }
                });
                return promise;
            }

            private Future<InetSocketAddress> check(String host, InetSocketAddress resolved, Promise<InetSocketAddress> promise) {
                String refused = policy.refuseAddress(host, resolved.getPort(), resolved.getAddress());
                return refused == null ? promise.setSuccess(resolved) : promise.setFailure(new RefusedAddressException(refused));
            }

            @Override
            public Future<List<InetSocketAddress>> resolveAll(java.net.SocketAddress address) {
                return resolveAll(address, executor.newPromise());
            }

            @Override
            public Future<List<InetSocketAddress>> resolveAll(java.net.SocketAddress address, Promise<List<InetSocketAddress>> promise) {
                resolve(address).addListener(f -> {
                    if (f.isSuccess()) {
                        promise.setSuccess(List.of((InetSocketAddress) f.getNow()));
                    } else {
                        promise.setFailure(f.cause());
                    }
                });
                return promise;
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }

    @Override
    public void close() {
        super.close();
        delegate.close();
    }
}
