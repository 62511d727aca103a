import "./node-global.js";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { AuthProvider } from "cognito-idpool/react";
import { App } from "./App.js";
import { auth } from "./auth.js";
import "./styles.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <AuthProvider auth={auth}>
      <App />
    </AuthProvider>
  </StrictMode>,
);
