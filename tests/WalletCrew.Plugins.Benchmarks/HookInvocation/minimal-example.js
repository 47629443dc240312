// The seed documentation's "Minimal Example" (JavaScript), verbatim; run in Jint by JintConnector.
async function onPassInstalled(passId, passType, identifiers, device) {
console.log(`Pass ${passId} installed on ${device}`);
}
async function onPassUninstalled(passId, passType, identifiers, device) {
console.log(`Pass ${passId} uninstalled from ${device}`);
}
export default function (context) {
context.register('runtime.wallet.passUpdater', {
OnPassInstalled: onPassInstalled,
OnPassUninstalled: onPassUninstalled
});
}
