import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { MeReply, SiteInfo } from './api.ts';
import type { LiveConnection } from './live.ts';

/** Who is signed in, their live connection and the sites' registry: what every view needs. */
export interface Session {
  readonly me: MeReply;
  readonly live: LiveConnection;
  readonly sites: readonly SiteInfo[];
  /** Vendor names by id (staff only; a vendor user is not given the list). */
  readonly vendors: ReadonlyMap<string, { readonly 'zh-CN': string; readonly en: string }>;
  navigate(path: string): void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/** The home page of a role. */
export function homeOf(role: string): string {
  if (role === 'vendor_user') return '/vendor';
  if (role === 'facilities_manager') return '/manager';
  return '/control';
}

/** The building's name in the current language, or its code. */
export function buildingNames(sites: readonly SiteInfo[]): Map<string, SiteInfo['buildings'][number]> {
  const names = new Map<string, SiteInfo['buildings'][number]>();
  for (const site of sites) for (const building of site.buildings) names.set(building.code, building);
  return names;
}
