/* Code a passage of a field note: select text in a note with the mouse, pick a code.
   The form sends the selected text and which occurrence of it in the note was selected;
   the server finds the passage in the note's Markdown and stores its offsets. */
(function () {
  "use strict";

  function occurrenceBefore(body, range, quote) {
    var before = document.createRange();
    before.setStart(body, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var text = before.toString();
    var count = 0;
    var at = text.indexOf(quote);
    while (at !== -1) {
      count += 1;
      at = text.indexOf(quote, at + 1);
    }
    return count;
  }

  function onSelect() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    var range = selection.getRangeAt(0).cloneRange();
    var node = range.startContainer;
    var element = node.nodeType === 1 ? node : node.parentElement;
    var body = element && element.closest(".note-body[data-note]");
    if (!body) return;
    // A drag that runs past the end of the note codes the note up to its end.
    if (!body.contains(range.endContainer)) range.setEnd(body, body.childNodes.length);
    var quote = range.toString().trim();
    if (!quote) return;
    var form = document.querySelector('form[data-coding-for="' + body.dataset.note + '"]');
    if (!form) return;
    form.querySelector('input[name="quote"]').value = quote;
    form.querySelector('input[name="occurrence"]').value = occurrenceBefore(body, range, quote);
    form.querySelector(".selected-quote").textContent =
      quote.length > 200 ? quote.slice(0, 200) + "…" : quote;
    form.hidden = false;
  }

  /* Mark the coded passages in each note (CSS Custom Highlight API: no change to the
     note's HTML, nothing inline). Browsers without it simply show no marks. */
  function highlightCodings() {
    if (!window.CSS || !CSS.highlights || typeof Highlight === "undefined") return;
    var highlight = new Highlight();
    document.querySelectorAll(".note-body[data-note]").forEach(function (body) {
      var list = document.querySelector('ul.codings[data-for-note="' + body.dataset.note + '"]');
      if (!list) return;
      var walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
      var nodes = [];
      var text = "";
      while (walker.nextNode()) {
        nodes.push({ node: walker.currentNode, start: text.length });
        text += walker.currentNode.nodeValue;
      }
      function locate(offset) {
        for (var i = nodes.length - 1; i >= 0; i -= 1) {
          if (nodes[i].start <= offset) return { node: nodes[i].node, offset: offset - nodes[i].start };
        }
        return null;
      }
      list.querySelectorAll("li[data-quote]").forEach(function (item) {
        var at = text.indexOf(item.dataset.quote);
        if (at === -1) return;
        var from = locate(at);
        var to = locate(at + item.dataset.quote.length);
        if (!from || !to) return;
        var range = document.createRange();
        range.setStart(from.node, from.offset);
        range.setEnd(to.node, to.offset);
        highlight.add(range);
      });
    });
    CSS.highlights.set("coded", highlight);
  }

  highlightCodings();
  document.addEventListener("mouseup", onSelect);
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey) onSelect();
  });
})();
