// 公式里的中文（\text{爱}）用页面的字体列表排版（_config.yml：mtextInheritFont）。MathJax 排版时要量出每个字的宽度，
// 所以先等这些字的字体就绪，再让 MathJax 排版（_config.yml 里设了 startup.typeset: false）。本机有中文字体时
// 不用等；没有时只等随书字体里含公式中汉字的那几片切片（book/_ext/book_cjk_fonts.py），不等页面上别的切片。
// window.bookMathReady 在排版完成时兑现，测试用它。

// unicode-range（如 "U+4E00-4E05, U+4E0A"）含不含 codePoints 里的某个码位
function bookRangeHas(range, codePoints) {
  return range.split(",").some((part) => {
    const [first, last = first] = part.trim().slice(2).split("-").map((hex) => parseInt(hex, 16));
    return codePoints.some((c) => c >= first && c <= last);
  });
}

// 公式要用的随书字体切片：这一页排版时浏览器已经开始下载（本机字体缺这些字）、且含公式里的字的那几片
function bookMathFontsLoaded() {
  document.body.getBoundingClientRect(); // 先排一次版：浏览器这时按页面上的字决定下载哪些切片
  const text = [...document.querySelectorAll(".math")].map((element) => element.textContent).join("");
  const codePoints = [...new Set(text)].map((c) => c.codePointAt(0)).filter((c) => c >= 0x2e80); // 只有 CJK 归随书字体
  const faces = [...document.fonts].filter((face) =>
    face.family.replace(/"/g, "") === "Book CJK" && face.status !== "unloaded" && bookRangeHas(face.unicodeRange, codePoints));
  return Promise.allSettled(faces.map((face) => face.loaded));
}

window.bookMathReady = new Promise((resolve) => {
  document.addEventListener("DOMContentLoaded", async () => {
    try {
      await bookMathFontsLoaded();
    } finally {
      if (window.MathJax && MathJax.startup) {
        await MathJax.startup.promise;
        bookFixScriptTextWidth();
        bookMathMenu();
        await MathJax.typesetPromise();
        if (!MathJax.startup.document.menu) bookMathMenuOnDemand();
      }
      resolve(true);
    }
  });
});

// MathJax 3 的公式菜单（右键点公式，或在公式上按空格）。
// 1. 菜单文字换成中文（MathJax 3 没有中文菜单；菜单项的 content 可以改，改了就重画）。
// 2. 「无障碍 → 启用」等要先加载语音规则引擎（SRE）的选项：MathJax 3.2 重新排版时不处理「等 SRE 就绪再重试」，
//    公式先被撤下、再也排不回来（MathJax 4 的菜单用 handleRetriesFor 修好了，这里照做）。
// 3. SRE 用 XMLHttpRequest 读 _static/mathjax/sre/ 下的规则文件，直接打开文件（file://）时浏览器不许，
//    这时像 MathJax 在没有加载器时那样，停用这几项；「附带隐藏的 MathML」照常可用，读屏软件靠它读公式。
// 依赖 MathJax 3 的组件文件（tex-chtml.js 等）里的 ui/menu 与 MathJax._.mathjax；没有菜单时什么也不做。
const BOOK_MATH_MENU = {
  "Show Math As": "显示公式的代码", "Copy to Clipboard": "复制到剪贴板", "MathML Code": "MathML 代码",
  "Original Form": "原始形式（TeX）", "Annotation": "注释", "Math Settings": "公式设置", "Math Renderer": "渲染方式",
  "Zoom Trigger": "放大方式", "Zoom Once Now": "现在放大一次", "Click": "单击", "Double-Click": "双击",
  "No Zoom": "不放大", "Trigger Requires:": "同时按住：", "Zoom Factor": "放大倍数", "Scale All Math...": "缩放全部公式…",
  "Add TeX hints to MathML": "在 MathML 中加入 TeX 提示", "Add original as annotation": "把原始形式加为注释",
  "Reset to defaults": "恢复默认设置", "Accessibility": "无障碍", "Activate": "启用（可用键盘逐项浏览公式）",
  "Speech": "语音", "Speech Output": "语音输出", "Speech Subtitles": "语音字幕", "Braille Output": "盲文输出",
  "Braille Subtitles": "盲文字幕", "Language": "语言", "Mathspeak Rules": "Mathspeak 规则", "Verbose": "详细",
  "Brief": "简略", "Superbrief": "极简", "Clearspeak Rules": "Clearspeak 规则", "Auto": "自动",
  "ChromeVox Rules": "ChromeVox 规则", "Standard": "标准", "Alternative": "备选", "Highlight": "高亮",
  "Background": "背景", "Foreground": "前景", "Blue": "蓝", "Red": "红", "Green": "绿", "Yellow": "黄", "Cyan": "青",
  "Magenta": "品红", "White": "白", "Black": "黑", "None": "无", "Hover": "悬停", "Flame": "火焰",
  "Tree Coloring": "树状着色", "Magnification": "放大", "Keyboard": "键盘", "Mouse": "鼠标",
  "Semantic Info": "语义信息", "Type": "类型", "Role": "角色", "Prefix": "前缀", "Collapsible Math": "可折叠的公式",
  "Auto Collapse": "自动折叠", "Include in Tab Order": "可用 Tab 键选中公式", "Include Hidden MathML": "附带隐藏的 MathML",
  "About MathJax": "关于 MathJax", "MathJax Help": "MathJax 帮助",
};
const BOOK_MATH_NEEDS_SRE = [["Accessibility", "Activate"], ["Accessibility", "Collapsible"], ["Accessibility", "AutoCollapse"]];

function bookMathMenu() {
  const menu = MathJax.startup.document?.menu;
  const handleRetries = MathJax._?.mathjax?.mathjax?.handleRetriesFor;
  if (!menu || !handleRetries) return;
  const translate = (items) => items.forEach((item) => {
    if (BOOK_MATH_MENU[item.content]) {
      item.content = BOOK_MATH_MENU[item.content];
      if (item.disabled) item.disable();   // 换了文字的菜单项是重画的，「停用」的样式要再加上
    }
    if (item.submenu) translate(item.submenu.items);
  });
  translate(menu.menu.items);
  const rerender = menu.rerender.bind(menu);
  menu.rerender = (start) => handleRetries(() => rerender(start)).catch((error) => console.error(error));
  if (location.protocol === "file:") BOOK_MATH_NEEDS_SRE.forEach((path) => menu.menu.findID(...path)?.disable());
}

// 公式菜单（ui/menu，426 KB）不随公式加载（book/_ext/book_mathjax.py）：读者第一次在公式上点右键（手机上长按），
// 或用 Tab 键选中公式后按空格、回车时才加载。公式照菜单的默认设置进入 Tab 键的顺序。菜单挂在 MathJax 排版用的
// 文档对象上，所以加载后把公式恢复成 TeX 原文，用带菜单扩展的 handler 重建文档（输入、输出处理器不变），
// 再排一次，然后在同一个公式上打开菜单。MathJax._ 是 MathJax 3 公开给扩展用的模块树。
function bookMathMenuOnDemand() {
  document.querySelectorAll("mjx-container").forEach((formula) => formula.setAttribute("tabindex", "0"));
  document.addEventListener("contextmenu", bookOpenMathMenu, true);
  document.addEventListener("keydown", bookOpenMathMenu, true);
}

async function bookOpenMathMenu(event) {
  const formula = event.target instanceof Element && event.target.closest("mjx-container");
  if (!formula || (event.type === "keydown" && event.key !== " " && event.key !== "Enter")) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  document.removeEventListener("contextmenu", bookOpenMathMenu, true);
  document.removeEventListener("keydown", bookOpenMathMenu, true);
  const index = [...document.querySelectorAll("mjx-container")].indexOf(formula);
  const box = formula.getBoundingClientRect();
  const [clientX, clientY] = event.type === "contextmenu" ? [event.clientX, event.clientY] : [box.left, box.bottom];
  await MathJax.loader.load("ui/menu");
  const startup = MathJax.startup;
  const handlers = MathJax._.mathjax.mathjax.handlers;
  startup.document.state(0, true);
  handlers.unregister(startup.handler);
  startup.handler = startup.getHandler();
  handlers.register(startup.handler);
  startup.document = startup.getDocument();
  bookMathMenu();
  await MathJax.typesetPromise();
  const again = document.querySelectorAll("mjx-container")[index];
  again.focus();
  again.dispatchEvent(new MouseEvent("contextmenu", {bubbles: true, cancelable: true, clientX, clientY}));
}

// sphinx-togglebutton 的折叠按钮：提示文字由 _config.yml 设置，读屏软件念的标签却写死在它的脚本里。
// 它在 DOMContentLoaded 时加上按钮；本文件是 defer 脚本，这个监听器登记得比它晚，在它之后运行。
document.addEventListener("DOMContentLoaded", () =>
  document.querySelectorAll(".toggle-button").forEach((button) => button.setAttribute("aria-label", "显示或隐藏")));
// 公式上下标里的文字（T_\text{corpus}、underbrace 下的中文）后面不留空白。MathJax 3.2 用页面字体排 \text 时，
// 给文字的盒子定一个以像素计的宽度，按正文字号量出，却不随上下标缩小的字号缩小，字后便空出一截
// （上标里约 30%）。这里在排版前把这个宽度改成以字本身的字号（em）计：正文里的宽度不变，上下标里随字缩小，
// 与 MathJax 排版时算的宽度一致。
function bookFixScriptTextWidth() {
  const chtml = window.MathJax?._?.output?.chtml_ts;
  if (!chtml) return;
  const unknownText = chtml.CHTML.prototype.unknownText;
  chtml.CHTML.prototype.unknownText = function (text, variant, width = null) {
    const node = unknownText.call(this, text, variant, null);
    if (width !== null) this.adaptor.setStyle(node, "width", this.fixed(width * this.math.metrics.scale) + "em");
    return node;
  };
}

// 静态书里的滑块图（wordvec_rnn.sliders.StaticSliders）：每组取值的帧与说明文字都由 Python 预先算好，
// 存在图旁的 <script type="application/json"> 里；拖动滑块时按各滑块的下标换上对应的帧。
function bookSliders(root) {
  const data = JSON.parse(root.querySelector(".book-sliders-data").textContent);
  const controls = data.params.map((p) => root.querySelector(`[data-param="${CSS.escape(p.name)}"]`));
  const image = root.querySelector(".book-sliders-frame");
  const caption = root.querySelector(".book-sliders-caption");
  const show = () => {
    const key = controls.map((c) => c.value).join(",");
    const frame = data.frames[key];
    image.src = frame.src;
    image.alt = frame.alt;
    caption.textContent = frame.alt;
    controls.forEach((c, i) => {
      const value = data.params[i].values[Number(c.value)];
      const output = c.parentElement.querySelector("output");
      if (output) output.textContent = value;
      if (c.type === "range") c.setAttribute("aria-valuetext", value);   // 读屏软件念出显示的取值，而不是下标
    });
    root.dataset.key = key;
  };
  controls.forEach((c) => {
    c.disabled = false;
    c.addEventListener("input", show);
  });
  show();
}
document.addEventListener("DOMContentLoaded", () => document.querySelectorAll(".book-sliders").forEach(bookSliders));
