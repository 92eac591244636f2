import { PrivateVictoria } from '../../../gateway/store/private-victoria.ts';

/**
 * The bench's own VictoriaMetrics, on a free loopback port and a fresh data directory: the private
 * server the store tests use, plus two query flags. `-search.latencyOffset=0s` (the default 30 s
 * hides fresh samples from /api/v1/query, and the bench measures how soon a reading becomes
 * queryable) and `-search.disableCache` (the response cache would serve stale counts for the
 * minutes-old timestamps the load uses). Storage flags stay those of the local stack, including
 * `-dedup.minScrapeInterval=1ms`, so a replayed reading is stored once.
 */
export class BenchVictoria extends PrivateVictoria {
  constructor(dataDir: string) {
    super({ dataDir, extraFlags: ['-search.latencyOffset=0s', '-search.disableCache'] });
  }
}
