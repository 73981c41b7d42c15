import { booleanWithin, kinks } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { generate } from '../../data/generator/generate.ts';
import { roadGraph } from './dataset.ts';

// A district generated from any seed keeps the report's figures and the network's guarantees,
// not only the committed one.
describe.each(['another-district', 'seed-2', 'x'])('the dataset from seed %s', (seed) => {
  const data = generate({ seed });
  const sites = data.sites.features.map((s) => s.properties);

  it('keeps the figures of the report', () => {
    expect(data.compounds.features.reduce((s, c) => s + c.properties.residents, 0)).toBe(306_000);
    expect(data.compounds.features.find((c) => c.properties.name_zh === '江山鼎')?.properties.households).toBe(569);
    expect(sites.filter((s) => s.kind === 'testing_site')).toHaveLength(49);
    expect(
      sites
        .filter((s) => s.kind === 'quarantine_site')
        .reduce((s, q) => s + (q.kind === 'quarantine_site' ? q.rooms_total : 0), 0),
    ).toBe(2_294);
    expect(sites.filter((s) => s.kind === 'enterprise' && s.key)).toHaveLength(190);
    expect(
      new Set(sites.filter((s) => s.kind === 'checkpoint').map((s) => (s.kind === 'checkpoint' ? s.state : ''))),
    ).toEqual(new Set(['open', 'restricted', 'closed']));
  });

  it('keeps one strongly connected network with every drop point on it', () => {
    const graph = roadGraph(data.roads.features);
    expect(graph.reachableFrom(0, 'out')).toBe(graph.nodes.size);
    expect(graph.reachableFrom(0, 'in')).toBe(graph.nodes.size);
    for (const c of data.compounds.features) expect(graph.nodes.has(c.properties.drop_point.join(','))).toBe(true);
  });

  it('keeps compounds valid and inside their districts', () => {
    const districts = new Map(data.districts.features.map((d) => [d.properties.id, d]));
    for (const c of data.compounds.features) {
      expect(kinks(c).features).toHaveLength(0);
      expect(booleanWithin(c, districts.get(c.properties.district)!)).toBe(true);
    }
  });
});
