// Step 0: the generated CognitoIdentityClient, constructed the documented way (anchor E).
export * from "../anchors/E-sdk-raw.js";
