declare const __UNPERF_VERSION__: string
