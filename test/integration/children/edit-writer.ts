// A separate process that applies box edits to a project. For each edit it prints `try ...` BEFORE the commit and
// `ack ...` AFTER it (stdout to a pipe is synchronous on Linux), so a test that kills it knows exactly which edits
// were acknowledged and which single one may have been in flight.
import { createBox, updateBox } from '../../../src/main/services/labeling/edits';
import { Project } from '../../../src/main/services/project/project';

const [dir, countArg, tag] = process.argv.slice(2);
const count = Number(countArg ?? 1000);
const p = Project.open(dir!);
const img = p.images.all()[0]!;
const cls = p.classes.list()[0]!;
let last = 0;
for (let i = 0; i < count; i++) {
  if (i % 3 === 0) {
    process.stdout.write(`try ${tag ?? 'w'} ${i} create - ${i % 500}\n`);
    const a = createBox(p, { imageId: img.id, classId: cls.id, x: i % 500, y: 1, w: 10, h: 10 });
    last = a.id;
    process.stdout.write(`ack ${tag ?? 'w'} ${i} create ${a.id} ${a.x}\n`);
  } else {
    const x = (i * 7) % 500;
    process.stdout.write(`try ${tag ?? 'w'} ${i} move ${last} ${x}\n`);
    updateBox(p, last, { x });
    process.stdout.write(`ack ${tag ?? 'w'} ${i} move ${last} ${x}\n`);
  }
}
p.close();
