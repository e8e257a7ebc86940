import { describe, expect, it } from 'vitest';
import {
  COCO_CLASSES,
  cocoClassFor,
  cocoMappingProblem,
  parseCocoMapping,
  suggestCocoMapping,
} from '../../../src/shared/domain/coco-classes';

describe('cocoClassFor', () => {
  it('matches case, spaces, underscores, dashes and plurals', () => {
    expect(cocoClassFor('Person')).toBe('person');
    expect(cocoClassFor('PERSONS')).toBe('person');
    expect(cocoClassFor('traffic_light')).toBe('traffic light');
    expect(cocoClassFor('Traffic-Lights')).toBe('traffic light');
    expect(cocoClassFor('pottedplant')).toBe('potted plant');
    expect(cocoClassFor('buses')).toBe('bus');
    expect(cocoClassFor('bus')).toBe('bus');
    expect(cocoClassFor('Cars')).toBe('car');
  });
  it("knows VOC's names for COCO classes", () => {
    const voc = ['aeroplane', 'motorbike', 'sofa', 'tvmonitor', 'diningtable', 'pottedplant'];
    expect(voc.map(cocoClassFor)).toEqual([
      'airplane',
      'motorcycle',
      'couch',
      'tv',
      'dining table',
      'potted plant',
    ]);
  });
  it('finds nothing for names that are not COCO classes', () => {
    for (const n of ['RBC', 'WBC', 'Platelets', 'defect', '', '  ']) expect(cocoClassFor(n)).toBeUndefined();
  });
});

describe('suggestCocoMapping', () => {
  it('maps each matching project class once, COCO name to project name', () => {
    expect(suggestCocoMapping(['Person', 'motorbike', 'RBC'])).toEqual({
      person: 'Person',
      motorcycle: 'motorbike',
    });
    // Two project names for one COCO class: the first keeps it.
    expect(suggestCocoMapping(['car', 'Cars'])).toEqual({ car: 'car' });
  });
});

describe('cocoMappingProblem', () => {
  const classes = ['Vehicle', 'Worker'];
  it('accepts a mapping of COCO classes to project classes, several to one', () => {
    expect(cocoMappingProblem({ car: 'Vehicle', truck: 'Vehicle', person: 'Worker' }, classes)).toBeNull();
  });
  it('refuses an empty mapping naming the classes and how to map them', () => {
    expect(cocoMappingProblem({}, classes)).toMatch(
      /^none of the project's classes \(Vehicle, Worker\) is a COCO class: map COCO classes to them, e\.g\. car=Vehicle/,
    );
  });
  it('refuses unknown COCO names, with a suggestion and the list', () => {
    const p = cocoMappingProblem({ cars: 'Vehicle', lorry: 'Vehicle' }, classes)!;
    expect(p).toMatch(
      /^not COCO classes: cars \(did you mean car\?\), lorry; the 80 COCO classes are person, /,
    );
    expect(p).toContain(COCO_CLASSES[79]);
  });
  it('refuses classes the project does not have', () => {
    expect(cocoMappingProblem({ car: 'Truck', bus: 'Truck' }, classes)).toBe(
      'not classes of this project: Truck',
    );
  });
});

describe('parseCocoMapping', () => {
  it('reads coco=project pairs, lower-casing the COCO side', () => {
    expect(parseCocoMapping(' Car=Vehicle, truck = Vehicle ,person=Worker,')).toEqual({
      car: 'Vehicle',
      truck: 'Vehicle',
      person: 'Worker',
    });
  });
  it('quotes a malformed entry', () => {
    expect(() => parseCocoMapping('car=Vehicle,truck')).toThrow('--map entry "truck" is not coco=project');
    expect(() => parseCocoMapping('=Vehicle')).toThrow('--map entry "=Vehicle"');
  });
});
