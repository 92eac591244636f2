import type { ResolvedPoint, SiteModel } from '../../config/load/model.ts';
import { unitDefinition } from '../../config/schema/units.ts';

/** What the gateway needs of a registry point on the hot path, precomputed once. */
export interface IndexedPoint {
  readonly id: string;
  readonly kind: ResolvedPoint['kind'];
  /** canonical = raw × factor + offset */
  readonly factor: number;
  readonly offset: number;
  /** Hard limits in the declared unit: checked before conversion. */
  readonly min: number;
  readonly max: number;
  /** Tags written with every reading of the point (see gateway/README.md, "Store scheme"). */
  readonly tags: Readonly<Record<string, string>>;
}

/** An MQTT device on the embedded broker, with the points it may report, by key. */
export interface IndexedDevice {
  readonly device: string;
  readonly broker: string;
  readonly points: ReadonlyMap<string, IndexedPoint>;
}

/**
 * Lookups from where a value came from to the registry point it belongs to. Built once from
 * the configuration; every lookup is a map access, because it runs for every reading.
 */
export class PointIndex {
  readonly #byId = new Map<string, IndexedPoint>();
  readonly #devices = new Map<string, IndexedDevice>();
  /** `${broker}\u0000${topic}` → points bound to that topic, by JSON field ('' = whole payload). */
  readonly #byTopic = new Map<string, Map<string, IndexedPoint>>();
  /** `${endpoint}\u0000${nodeId}` → point */
  readonly #byNode = new Map<string, IndexedPoint>();

  /**
   * `site`: only that site's equipment, for the gateway serving it (one gateway per site): another
   * site's devices, topics and OPC UA nodes are unknown here, even where endpoint ids repeat.
   */
  constructor(model: SiteModel, options: { readonly site?: string } = {}) {
    for (const equipment of model.equipment.values()) {
      if (options.site !== undefined && equipment.siteId !== options.site) continue;
      const devicePoints = new Map<string, IndexedPoint>();
      for (const point of equipment.points) {
        const unit = unitDefinition(point.unit);
        const indexed: IndexedPoint = {
          id: point.id,
          kind: point.kind,
          factor: unit?.factor ?? 1,
          offset: unit?.offset ?? 0,
          min: point.limits.min,
          max: point.limits.max,
          tags: {
            site: equipment.siteId,
            building: equipment.buildingCode,
            equipment: equipment.id,
            class: equipment.class,
            point: point.id,
            ...(equipment.subMetering ? { sub_item: equipment.subMetering } : {}),
          },
        };
        this.#byId.set(point.id, indexed);
        const binding = point.binding;
        if (binding.kind === 'opcua') {
          this.#byNode.set(`${binding.endpoint}\u0000${binding.nodeId}`, indexed);
          continue;
        }
        const topicKey = `${binding.broker}\u0000${binding.topic}`;
        const fields = this.#byTopic.get(topicKey) ?? new Map<string, IndexedPoint>();
        fields.set(binding.field ?? '', indexed);
        this.#byTopic.set(topicKey, fields);
        if ('mqtt' in equipment.source && binding.broker === equipment.source.mqtt.broker)
          devicePoints.set(point.key, indexed);
      }
      if ('mqtt' in equipment.source) {
        const { device, broker } = equipment.source.mqtt;
        this.#devices.set(device, { device, broker, points: devicePoints });
      }
    }
  }

  get(pointId: string): IndexedPoint | undefined {
    return this.#byId.get(pointId);
  }

  device(device: string): IndexedDevice | undefined {
    return this.#devices.get(device);
  }

  /** Points bound to an exact topic on a broker, by JSON field ('' for a whole-payload value). */
  topic(broker: string, topic: string): ReadonlyMap<string, IndexedPoint> | undefined {
    return this.#byTopic.get(`${broker}\u0000${topic}`);
  }

  /** Every topic bound on a broker: what the gateway subscribes to on a site broker. */
  topicsOf(broker: string): string[] {
    const prefix = `${broker}\u0000`;
    return [...this.#byTopic.keys()]
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length));
  }

  node(endpoint: string, nodeId: string): IndexedPoint | undefined {
    return this.#byNode.get(`${endpoint}\u0000${nodeId}`);
  }

  nodesOf(endpoint: string): { pointId: string; nodeId: string }[] {
    const prefix = `${endpoint}\u0000`;
    return [...this.#byNode.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, point]) => ({ pointId: point.id, nodeId: key.slice(prefix.length) }));
  }

  get size(): number {
    return this.#byId.size;
  }
}
