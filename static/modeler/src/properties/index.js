// The SOP properties module: the "SOP" provider and the commands it edits through.
import SopPropertiesProvider from "./SopPropertiesProvider.js";
import { AlurPropertiesHandler, DecisionHandler } from "./props.js";

function AlurCommands(commandStack) {
  commandStack.registerHandler("alur.properties.set", AlurPropertiesHandler);
  commandStack.registerHandler("alur.decision.set", DecisionHandler);
}
AlurCommands.$inject = ["commandStack"];

export default {
  __init__: ["alurCommands", "sopPropertiesProvider"],
  alurCommands: ["type", AlurCommands],
  sopPropertiesProvider: ["type", SopPropertiesProvider],
};
