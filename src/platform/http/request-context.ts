import { AsyncLocalStorage } from 'node:async_hooks';

/** What the platform knows of the HTTP request being served, wherever the code runs during it. */
export interface RequestContext {
  requestId: string;
  ipAddress: string | undefined;
  userAgent: string | undefined;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  /** The current request's context, or `undefined` outside a request (jobs, command line). */
  current(): RequestContext | undefined {
    return storage.getStore();
  },
};
