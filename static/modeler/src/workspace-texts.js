// The interface texts of the workspace, the version viewer and the diff: Indonesian first, English
// with the language switch (config.lang). Placeholders are {name}.
const TEXTS = {
  id: {
    "lint.title": "Pemeriksaan",
    "lint.none": "Tidak ada temuan.",
    "lint.pending": "Diperiksa setelah disimpan…",
    "lint.counts": "{errors} galat, {warnings} peringatan",
    "lint.server": "SOP",
    "lint.editor": "BPMN",
    "lint.error": "Galat",
    "lint.warning": "Peringatan",
    "lint.failed": "Pemeriksaan di server gagal: {message}",
    "lint.file": "berkas",
    "draft.title": "Draf",
    "draft.saved": "Tersimpan {time}",
    "draft.saved_by": "Tersimpan {time} oleh {name}",
    "draft.saving": "Menyimpan…",
    "draft.unsaved": "Ada perubahan yang belum disimpan",
    "draft.failed": "Gagal menyimpan: {message}",
    "draft.conflict": "Draf ini telah disimpan oleh {name} pada {time}; muat ulang untuk melihat perubahannya.",
    "draft.conflict_note": "Penyimpanan otomatis dihentikan; perubahan Anda di layar ini tidak disimpan.",
    "draft.reload": "Muat ulang",
    "draft.someone": "pengguna lain",
    "deploy.title": "Terapkan",
    "deploy.note": "Catatan perubahan (wajib)",
    "deploy.note_hint": "Apa yang berubah dan mengapa; tampil di daftar versi.",
    "deploy.button": "Terapkan versi baru",
    "deploy.blocked_errors": "Perbaiki galat pemeriksaan SOP dahulu.",
    "deploy.blocked_note": "Isi catatan perubahan.",
    "deploy.blocked_unsaved": "Menunggu draf tersimpan dan diperiksa.",
    "deploy.blocked_conflict": "Muat ulang draf dahulu.",
    "deploy.deploying": "Menerapkan…",
    "deploy.done": "Versi {version} diterapkan.",
    "deploy.unchanged": "Diagram sama dengan versi {version}; tidak ada versi baru.",
    "deploy.versions": "Lihat daftar versi",
    "deploy.rejected": "Diagram ditolak; lihat temuan di atas.",
    "deploy.failed": "Gagal menerapkan: {message}",
    "network": "Tidak dapat menghubungi server ({status}).",
    "viewer.rows": "Baris SOP",
    "viewer.no": "No",
    "viewer.kegiatan": "Kegiatan",
    "viewer.waktu": "Waktu",
    "viewer.lane": "Pelaksana",
    "viewer.pick": "Klik sebuah kegiatan pada diagram untuk melihat barisnya.",
    "viewer.failed": "Diagram tidak dapat ditampilkan: {message}",
    "diff.from": "Versi {version} (dari)",
    "diff.to": "Versi {version} (ke)",
    "diff.added": "ditambah",
    "diff.removed": "dihapus",
    "diff.changed": "diubah",
    "diff.layout": "tata letak",
    "diff.element": "Elemen",
    "diff.change": "Perubahan",
    "diff.property": "Properti",
    "diff.old": "Lama",
    "diff.new": "Baru",
    "diff.none": "Tidak ada perbedaan.",
    "diff.legend": "Hijau: ditambah (di versi baru); merah: dihapus (di versi lama); kuning: diubah.",
    "diff.failed": "Perbedaan tidak dapat dimuat: {message}",
  },
  en: {
    "lint.title": "Checks",
    "lint.none": "No findings.",
    "lint.pending": "Checked once saved…",
    "lint.counts": "{errors} errors, {warnings} warnings",
    "lint.server": "SOP",
    "lint.editor": "BPMN",
    "lint.error": "Error",
    "lint.warning": "Warning",
    "lint.failed": "The server check failed: {message}",
    "lint.file": "file",
    "draft.title": "Draft",
    "draft.saved": "Saved {time}",
    "draft.saved_by": "Saved {time} by {name}",
    "draft.saving": "Saving…",
    "draft.unsaved": "Unsaved changes",
    "draft.failed": "Could not save: {message}",
    "draft.conflict": "This draft was saved by {name} at {time}; reload to see their changes.",
    "draft.conflict_note": "Autosave has stopped; your changes on this screen are not saved.",
    "draft.reload": "Reload",
    "draft.someone": "another user",
    "deploy.title": "Deploy",
    "deploy.note": "Change note (required)",
    "deploy.note_hint": "What changed and why; shown in the versions list.",
    "deploy.button": "Deploy a new version",
    "deploy.blocked_errors": "Fix the SOP check errors first.",
    "deploy.blocked_note": "Write a change note.",
    "deploy.blocked_unsaved": "Waiting for the draft to be saved and checked.",
    "deploy.blocked_conflict": "Reload the draft first.",
    "deploy.deploying": "Deploying…",
    "deploy.done": "Version {version} deployed.",
    "deploy.unchanged": "The diagram is the same as version {version}; no new version.",
    "deploy.versions": "See the versions list",
    "deploy.rejected": "The diagram was refused; see the findings above.",
    "deploy.failed": "Could not deploy: {message}",
    "network": "Cannot reach the server ({status}).",
    "viewer.rows": "SOP rows",
    "viewer.no": "No",
    "viewer.kegiatan": "Activity",
    "viewer.waktu": "Time",
    "viewer.lane": "Performer",
    "viewer.pick": "Click an activity in the diagram to see its row.",
    "viewer.failed": "The diagram cannot be shown: {message}",
    "diff.from": "Version {version} (from)",
    "diff.to": "Version {version} (to)",
    "diff.added": "added",
    "diff.removed": "removed",
    "diff.changed": "changed",
    "diff.layout": "layout",
    "diff.element": "Element",
    "diff.change": "Change",
    "diff.property": "Property",
    "diff.old": "Old",
    "diff.new": "New",
    "diff.none": "No differences.",
    "diff.legend": "Green: added (in the newer version); red: removed (in the older one); amber: changed.",
    "diff.failed": "The differences cannot be loaded: {message}",
  },
};

// bpmnlint's messages (its recommended rules) in Indonesian; the English ones are bpmnlint's own.
const BPMNLINT_ID = {
  "Element is missing bpmndi": "Elemen tidak memiliki gambar (BPMNDI)",
  "Element is outside of parent boundary": "Elemen berada di luar batas induknya",
  "Element overlaps with other element": "Elemen bertumpuk dengan elemen lain",
  "Sequence flow is missing condition": "Alur tidak memiliki kondisi",
  "Element is an implicit end": "Elemen menjadi akhir tersirat (tanpa alur keluar)",
  "Element is an implicit start": "Elemen menjadi awal tersirat (tanpa alur masuk)",
  "Element is missing label/name": "Elemen belum bernama",
  "Element is missing name": "Elemen belum bernama",
  "Element is not connected": "Elemen tidak terhubung",
  "Event has multiple event definitions": "Peristiwa memiliki lebih dari satu definisi",
  "Flow splits implicitly": "Alur bercabang tersirat (gunakan gerbang)",
  "Gateway forks and joins": "Gerbang sekaligus memecah dan menggabungkan alur",
  "Gateway is superfluous. It only has one source and target.": "Gerbang berlebih: hanya satu asal dan satu tujuan",
  "Incoming flows do not join": "Alur masuk tidak digabungkan (gunakan gerbang)",
  "Sequence flow has superfluous label": "Alur memiliki label berlebih",
  "SequenceFlow is a duplicate": "Alur ganda",
  "Termination is superfluous.": "Akhir terminasi berlebih",
  "Start event must be blank": "Peristiwa awal harus kosong",
  "Start event is missing event definition": "Peristiwa awal tidak memiliki definisi",
  "Duplicate outgoing sequence flows": "Alur keluar ganda",
  "Duplicate incoming sequence flows": "Alur masuk ganda",
  "Element is unused": "Elemen tidak dipakai",
  "Element name is not unique": "Nama elemen tidak unik",
  // bpmn-js-bpmnlint's own button and overlay texts
  "{errors} Errors, {warnings} Warnings": "{errors} galat, {warnings} peringatan",
  "No Issues": "Tidak ada temuan",
  "Toggle linting overlays": "Tampilkan atau sembunyikan tanda pemeriksaan",
  "Issues for child elements": "Temuan pada elemen di dalamnya",
};
// ... and those that name an element type.
const BPMNLINT_ID_PATTERNS = [
  [/^Element type <(.+)> is discouraged$/, "Jenis elemen <$1> sebaiknya tidak dipakai"],
  [/^(.+) has multiple blank start events$/, "$1 memiliki lebih dari satu awal kosong"],
  [/^(.+) is missing end event$/, "$1 tidak memiliki peristiwa akhir"],
  [/^(.+) is missing start event$/, "$1 tidak memiliki peristiwa awal"],
];

export function language(config) {
  return config && config.lang === "en" ? "en" : "id";
}

/** t(lang) -> (key, values) => text. */
export function texts(lang) {
  const table = TEXTS[lang] || TEXTS.id;
  return (key, values = {}) =>
    (table[key] || TEXTS.id[key] || key).replace(/\{(\w+)\}/g, (_, name) =>
      name in values ? String(values[name]) : `{${name}}`);
}

/** A bpmnlint message in the page's language. */
export function bpmnlintMessage(message, lang) {
  if (lang === "en") return message;
  if (BPMNLINT_ID[message]) return BPMNLINT_ID[message];
  for (const [pattern, text] of BPMNLINT_ID_PATTERNS) {
    if (pattern.test(message)) return message.replace(pattern, text);
  }
  return message;
}

/** bpmnlint's fixed messages as a bpmn-js translate dictionary (the canvas' lint overlays). */
export const bpmnlintTranslations = BPMNLINT_ID;

/** A server finding's (or error's) message in the page's language. */
export function serverMessage(item, lang) {
  if (!item) return "";
  if (lang === "en" && item.message_en) return item.message_en;
  return item.message || item.message_id || item.message_en || "";
}

/** "10.42" (id) or "10:42" (en) in the agency's time zone when the page names it. */
export function clockTime(value, lang, timeZone) {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  const options = { hour: "2-digit", minute: "2-digit", hour12: false };
  if (timeZone) options.timeZone = timeZone;
  try {
    return date.toLocaleTimeString(lang === "en" ? "en-GB" : "id-ID", options);
  } catch (error) {  // an unknown time zone: the browser's own
    delete options.timeZone;
    return date.toLocaleTimeString(lang === "en" ? "en-GB" : "id-ID", options);
  }
}
