/**
 * Saves text as a file through the browser's download. `bom` puts a byte order mark first, so
 * spreadsheet programs on Chinese Windows read UTF-8 rather than GBK.
 */
export function downloadText(filename: string, text: string, type: string, bom = false): void {
  const url = URL.createObjectURL(new Blob(bom ? ['\ufeff', text] : [text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
