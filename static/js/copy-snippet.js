// "Copy the code" buttons: copies the text of the element named by data-copy, then says so.
document.querySelectorAll("button[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    const source = document.getElementById(button.dataset.copy);
    source.select();
    try {
      await navigator.clipboard.writeText(source.value);
    } catch {
      return; // the text stays selected: Ctrl+C copies it
    }
    button.textContent = button.dataset.copied;
  });
});
