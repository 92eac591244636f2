import { describe, expect, it } from 'vitest';
import { AttachmentRefInput, checkInput, NoteInput, ResolveInput } from './inputs.ts';

describe('work-order inputs', () => {
  it('take attachment references, never the bytes', () => {
    expect(
      checkInput(AttachmentRefInput, { name: 'a.jpg', uri: 'https://files.example/a.jpg' }),
    ).toBeTruthy();
    expect(
      checkInput(AttachmentRefInput, { name: 'a.pdf', uri: 's3://bucket/a.pdf', sha256: 'a'.repeat(64) }),
    ).toBeTruthy();
    expect(() =>
      checkInput(AttachmentRefInput, { name: 'a.jpg', uri: 'data:image/jpeg;base64,AAAA' }),
    ).toThrow(expect.objectContaining({ code: 'invalid_input', message: expect.stringMatching(/^uri: /) }));
    expect(() => checkInput(AttachmentRefInput, { name: 'a.jpg', uri: 'x://y', bytes: 'AAAA' })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });

  it('name the field at fault', () => {
    expect(() => checkInput(NoteInput, { body: '' })).toThrow(/^body: /);
    expect(() => checkInput(ResolveInput, { cause: '门机故障', actionTaken: '   ' })).toThrow(
      /^actionTaken: /,
    );
    expect(() =>
      checkInput(NoteInput, {
        body: 'x',
        attachments: [
          { name: 'a', uri: 'https://x/a' },
          { name: '', uri: 'https://x/b' },
        ],
      }),
    ).toThrow(/^attachments\.1\.name: /);
  });
});
