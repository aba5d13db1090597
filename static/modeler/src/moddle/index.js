// The XML extensions Alur's diagrams carry: SOP properties (spiffworkflow:properties) and
// embedded forms (alur:form). Pass to every Viewer/Modeler so they survive import and export.
import spiffworkflow from "./spiffworkflow.json";
import alur from "./alur.json";

export const moddleExtensions = { spiffworkflow, alur };
