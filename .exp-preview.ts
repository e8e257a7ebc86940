import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { generateSample } from '/work/main/src/main/services/sample/generator';
async function main() {
const t = performance.now();
let n = 0;
const all: any[] = [];
for await (const img of generateSample({ count: 200, seed: 7 })) {
  if (img.index < 12) {
    writeFileSync(`/tmp/sample-preview/${img.fileName}`, img.buffer);
    // overlay boxes for viewing
    const svg = `<svg width="${img.width}" height="${img.height}">${img.boxes.map(b => `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" fill="none" stroke="lime" stroke-width="1"/><text x="${b.x}" y="${b.y + 9}" font-size="9" fill="yellow">${b.label}</text>`).join('')}</svg>`;
    await sharp(img.buffer).composite([{ input: Buffer.from(svg) }]).png().toFile(`/tmp/sample-preview/boxes_${img.index}.png`);
    await sharp(img.buffer).png().toFile(`/tmp/sample-preview/plain_${img.index}.png`);
  }
  all.push(img.boxes.length); n++;
}
console.log(n, 'images', ((performance.now() - t)/1000).toFixed(2), 's', 'objects', all.reduce((a,b)=>a+b,0));
}
void main();
