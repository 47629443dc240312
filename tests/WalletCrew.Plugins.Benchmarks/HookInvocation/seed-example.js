// The seed documentation's "Example Implementation" (JavaScript), verbatim; run in Jint by JintConnector.
const API_URL = 'https://partner';
import { getSecret } from 'neo/secrets';
/**
* @typedef {Object} RegistrationInformation
* @property {number} activeRegistrationCount - Active registrations.
* @property {number} totalRegistrationCount - Total registrations.
**/
/**
* @typedef {Object} RegistrationSource
* @property {string[]} tags - list of tags specified by the SDK integration
* @property {string} medium - medium specified by the SDK integration or utm_medium
* @property {string} origin - url from where the pass is installed - could be overriden by the SDK integration
* @property {string} userAgent - optional UserAgent used to install the pass
*/
/**
* @typedef {Object} AdditionalPassInstallationInformation
* @property {RegistrationInformation} registrationInformation - Registration statistics.
* @property {RegistrationSource} registrationSource - Source of the installation when available
*/
/** methods triggered when a pass is installed
* @param {string} passId - unique identifier of the neostore pass
* @param {string} passType - pass type of the current pass
* @param {Record<string, any>} identifiers - key value pairs of identifiers of the pass
* @param {"apple"|"google"} device - named of the device
* @param {AdditionalPassInstallationInformation} additionalInformation - additionalInformation related to this pass installation */
async function onPassInstalled(passId, passType, identifiers, device, additionalInformation) {
await onPassInstallationStatusChanged(passId, passType, identifiers, device, true);
}
/** methods triggered when a pass is uninstalled
* @param {string} passId - unique identifier of the neostore pass
* @param {string} passType - pass type of the current pass
* @param {Record<string, any>} identifiers - key value pairs of identifiers of the pass
* @param {"apple"|"google"} device - named of the device
* @param {AdditionalPassInstallationInformation} additionalInformation - additionalInformation related to this pass installation
*/
async function onPassUninstalled(passId, passType, identifiers, device, additionalInformation) {
await onPassInstallationStatusChanged(passId, passType, identifiers, device, false);
}
async function onPassInstallationStatusChanged(passId, passType, identifiers, device, isInstalled) {
const customerId = identifiers["customerId"]; // or any other external identifier
const API_SECRET = await getSecret('PARTNER-API-SECRET');
// ⚠️ Note: fetch is not standard here. It uses PascalCase options and object-based Body.
await fetch(API_URL + '/wallet/installation', {
Method: "POST",
Headers: {
"Content-Type": "application/x-www-form-urlencoded",
"X-API-KEY": API_SECRET
},
Body: {
customerId,
isInstalled,
device
},
ThrowOnError: false
});
}
export default function (context) {
context.register('runtime.wallet.passUpdater', {
OnPassInstalled: onPassInstalled,
OnPassUninstalled: onPassUninstalled
});
}
