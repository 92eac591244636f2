import type { SiteModel } from '../../config/load/model.ts';

/** A site as the live server needs it: its id (channel and room names) and its buildings (incident routing). */
export interface LiveSite {
  readonly id: string;
  readonly buildingCodes: readonly string[];
}

export function liveSitesOf(model: Pick<SiteModel, 'sites'>): LiveSite[] {
  return model.sites.map((site) => ({ id: site.id, buildingCodes: site.buildings.map((b) => b.code) }));
}
