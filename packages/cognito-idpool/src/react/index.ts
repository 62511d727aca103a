/**
 * React bindings for cognito-idpool (`import … from "cognito-idpool/react"`), for React 18 or
 * later. They use only the public API of `cognito-idpool`.
 */
export { AuthProvider, useAuth } from "./context.js";
export { useAuthState, useIdentityChange, useUser } from "./hooks.js";
