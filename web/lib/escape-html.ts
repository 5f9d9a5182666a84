/** Text made safe to place in the HTML of an ECharts tooltip (activity names are user data). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
