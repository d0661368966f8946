import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, preloadRoute } from "./App";
import "./styles.css";

preloadRoute(window.location.pathname);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
