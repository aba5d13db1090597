// The bundle's entry: window.AlurModeler = {mountModeler, mountViewer, mountDiff, mountMarkedDiagram}.
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn.css";
import "@bpmn-io/properties-panel/dist/assets/properties-panel.css";
import "bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css";
import "./alur-modeler.css";

import { mountModeler } from "./modeler.js";
import { mountViewer } from "./viewer.js";
import { mountDiff } from "./diff.js";
import { mountMarkedDiagram } from "./marked-view.js";
import { mountDashboardRefresh } from "./dashboard.js";
import { start } from "./boot.js";

window.AlurModeler = { mountModeler, mountViewer, mountDiff, mountMarkedDiagram };
start({ "marked-diagram": mountMarkedDiagram, "dashboard-refresh": mountDashboardRefresh });
