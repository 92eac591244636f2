import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Document, parseDocument } from 'yaml';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sampleConfigDir = path.join(repoRoot, 'config', 'sample');

/** A private copy of the sample configuration that a test may break on purpose. */
export class ConfigFixture {
  readonly dir: string;

  constructor() {
    this.dir = mkdtempSync(path.join(tmpdir(), 'steward-config-'));
    cpSync(sampleConfigDir, this.dir, { recursive: true });
  }

  /** Edits one YAML file (path relative to the config folder) through the yaml document API. */
  edit(file: string, change: (document: Document) => void): void {
    const full = path.join(this.dir, file);
    const document = parseDocument(readFileSync(full, 'utf8'));
    change(document);
    writeFileSync(full, document.toString());
  }

  write(file: string, text: string): void {
    writeFileSync(path.join(this.dir, file), text);
  }

  remove(file: string): void {
    rmSync(path.join(this.dir, file));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
