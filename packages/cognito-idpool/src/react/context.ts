import { createContext, createElement, useContext, type ReactElement, type ReactNode } from "react";
import type { Auth } from "../auth.js";
import { CognitoIdpoolError } from "../errors.js";

const AuthContext = createContext<Auth | undefined>(undefined);

/**
 * Makes `auth` the one the hooks below it use. Create `auth` once, outside any component (a
 * module-level `createAuth`): a new one per render would restart sign-in state on every render.
 *
 * @example
 * ```tsx
 * const auth = createAuth({ identityPoolId, userPool: { userPoolId, clientId } });
 * createRoot(root).render(
 *   <AuthProvider auth={auth}>
 *     <App />
 *   </AuthProvider>,
 * );
 * ```
 */
export function AuthProvider(props: { auth: Auth; children?: ReactNode }): ReactElement {
  // createElement rather than JSX: the SDK build stays free of a JSX transform.
  return createElement(AuthContext.Provider, { value: props.auth }, props.children);
}

/**
 * The `auth` of the nearest {@link AuthProvider}, for its methods (`signIn`, `signOut`,
 * `getCredentials`…). Throws {@link CognitoIdpoolError} `invalid-options` when there is no
 * provider above the component: that is a set-up mistake, not a state to render.
 *
 * @example
 * ```tsx
 * function SignOutButton() {
 *   const auth = useAuth();
 *   return <button onClick={() => void auth.signOut()}>Sign out</button>;
 * }
 * ```
 */
export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new CognitoIdpoolError("invalid-options", "cognito-idpool/react: this hook must be used inside <AuthProvider auth={auth}>.");
  return auth;
}
