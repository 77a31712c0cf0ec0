// Keyboard for the triage inbox; the buttons work without it. j/k move, y confirms the top suggestion,
// n rejects it. Keys typed into a field are left alone, and none act when the person turned them off (the page
// renders the setting as data-keys).
(() => {
  const tickets = Array.from(document.querySelectorAll('.inbox .ticket'));
  if (tickets.length === 0) return;
  let current = 0;
  const select = (index) => {
    current = Math.max(0, Math.min(tickets.length - 1, index));
    tickets.forEach((ticket, i) => {
      ticket.classList.toggle('current', i === current);
    });
    const ticket = tickets[current];
    ticket.setAttribute('tabindex', '-1');
    ticket.focus({ preventScroll: false });
  };
  const press = (action) => {
    const button = tickets[current].querySelector(`.suggestion[data-top] [data-action="${action}"]`);
    if (button) button.click();
  };
  const keysOn = tickets[0].closest('.inbox')?.dataset.keys === 'on';
  document.addEventListener('keydown', (event) => {
    if (!keysOn || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (
      target instanceof HTMLInputElement ||
      target instanceof HTMLSelectElement ||
      target instanceof HTMLTextAreaElement
    )
      return;
    const keys = {
      j: () => select(current + 1),
      k: () => select(current - 1),
      y: () => press('confirm-link'),
      n: () => press('reject-link'),
    };
    const run = keys[event.key];
    if (run) {
      event.preventDefault();
      run();
    }
  });
  // After an answer the server sends the person back to the ticket they go on with, named by the fragment.
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  const from = target ? tickets.findIndex((ticket) => ticket.contains(target)) : -1;
  if (from >= 0) select(from);
  else tickets[0].classList.add('current');
})();
